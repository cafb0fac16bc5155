using System.Diagnostics;
using Docker.DotNet.Models;
using System.Net;
using System.Net.Sockets;
using LocalKube.Abstractions.Drivers;
using LocalKube.Abstractions.Errors;
using LocalKube.Testing;
using NUnit.Framework;

namespace LocalKube.Drivers.Docker.Tests;

[RequiresDocker]
public sealed class DockerDriverLifecycleTests : DockerDriverTestBase
{
    [Test]
    public async Task Create_RunsTheNode_WithInnerDockerd_AndLabelsEverything()
    {
        var watch = Stopwatch.StartNew();
        await CreateAsync();
        var created = watch.Elapsed;

        Assert.That(await Driver.GetStateAsync(Machine, Token), Is.EqualTo(MachineState.Running));
        var ready = await EventuallyAsync(async () => (await ExecAsync("docker info --format '{{.ServerVersion}}'")).ExitCode == 0,
            TimeSpan.FromSeconds(30));
        await TestContext.Out.WriteLineAsync($"create: {created.TotalSeconds:0.0} s, inner dockerd ready: {watch.Elapsed.TotalSeconds:0.0} s");
        Assert.That(ready, Is.True, "inner dockerd never answered");

        var info = await ExecAsync("docker info --format '{{.Driver}}'");
        Assert.That(info.Stdout.Trim(), Is.EqualTo("overlay2"));

        var container = await Docker.Containers.InspectContainerAsync(Machine.Name, Token);
        var volume = await Docker.Volumes.InspectAsync(Machine.Name, Token);
        var network = await Docker.Networks.InspectNetworkAsync($"localkube-{Profile}", Token);
        foreach (var labels in new[] { container.Config.Labels, volume.Labels, network.Labels })
        {
            Assert.That(labels[WellKnownLabels.Profile], Is.EqualTo(Profile));
            Assert.That(labels[WellKnownLabels.Machine], Is.EqualTo(Machine.Name));
            Assert.That(labels[WellKnownLabels.CreatedBy], Is.EqualTo(WellKnownLabels.CreatedByValue));
        }

        Assert.Multiple(() =>
        {
            Assert.That(container.HostConfig.Privileged, Is.False);
            Assert.That(container.HostConfig.Memory, Is.EqualTo(1024L * 1024 * 1024));
            Assert.That(container.HostConfig.MemorySwap, Is.EqualTo(1024L * 1024 * 1024));
            Assert.That(container.HostConfig.NanoCPUs, Is.EqualTo(1_000_000_000L));
            Assert.That(container.Config.Hostname, Is.EqualTo(Machine.Name));
            Assert.That(container.Mounts.Any(m => m.Type == "volume" && m.Name == Machine.Name && m.Destination == "/var"), Is.True);
        });
    }

    [Test]
    public async Task InnerDockerd_RunsContainers_UnderTheNodesOwnCgroup()
    {
        await CreateAsync();
        Assert.That(await EventuallyAsync(async () => (await ExecAsync("docker info >/dev/null 2>&1")).ExitCode == 0, TimeSpan.FromSeconds(30)), Is.True);

        // No registry: make a tiny image from the node's own dash and coreutils, then run it on overlay2.
        var run = await ExecAsync(
            "cd / && tar -ch usr/bin/dash usr/bin/cat usr/lib/x86_64-linux-gnu/libc.so.6 usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 lib64 "
            + "| docker import - lkt/mini >/dev/null && docker run --rm -m 64m lkt/mini /usr/bin/cat /proc/self/cgroup");
        Assert.That(run.ExitCode, Is.Zero, run.Stderr);

        var node = await Docker.Containers.InspectContainerAsync(Machine.Name, Token);
        // cgroup v1 "memory" line (or the v2 "0::" line): the pod sits below /docker/<node id>/localkube.
        var memory = run.Stdout.Split('\n').First(l => l.Contains(":memory:", StringComparison.Ordinal) || l.StartsWith("0::", StringComparison.Ordinal));
        Assert.That(memory, Does.Contain($"/{node.ID}/localkube/"));
    }

    [Test]
    public async Task Create_IsANoOp_WhenTheNodeRuns()
    {
        await CreateAsync();
        var id = (await Docker.Containers.InspectContainerAsync(Machine.Name, Token)).ID;
        await CreateAsync();
        Assert.That((await Docker.Containers.InspectContainerAsync(Machine.Name, Token)).ID, Is.EqualTo(id));
    }

    [Test]
    public async Task PublishedApiServerPort_OnLoopback_ReachesTheNode()
    {
        await CreateAsync();
        // Perl (perl-base is Essential in Debian) stands in for the agent: it greets every connection on 8443.
        await Docker.Exec.StartContainerExecAsync((await Docker.Exec.ExecCreateContainerAsync(Machine.Name,
            new ContainerExecCreateParameters
            {
                Detach = true,
                Cmd = ["perl", "-MIO::Socket::INET", "-e",
                    "my $s = IO::Socket::INET->new(LocalPort => 8443, Listen => 5, ReuseAddr => 1) or die; while (my $c = $s->accept) { print $c qq(hello-from-node\\n); close $c; }"],
            }, Token)).ID, Token);

        var endpoint = await Driver.GetEndpointAsync(Machine, Token);
        Assert.That(endpoint.ApiServer, Is.EqualTo(new Uri($"https://127.0.0.1:{ApiPort}")));
        Assert.That(endpoint.Addresses, Does.Contain(endpoint.NodeIp));
        Assert.That(IPAddress.TryParse(endpoint.NodeIp, out _), Is.True);

        string? greeting = null;
        await EventuallyAsync(async () =>
        {
            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(IPAddress.Loopback, ApiPort, Token);
                using var reader = new StreamReader(tcp.GetStream());
                greeting = await reader.ReadLineAsync(Token);
                return greeting is not null;
            }
            catch (IOException)
            {
                return false;
            }
            catch (SocketException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(10));
        Assert.That(greeting, Is.EqualTo("hello-from-node"));
    }

    [Test]
    public async Task Stop_KeepsTheVolume_AndFilesUnderVarSurviveStartAgain()
    {
        await CreateAsync();
        Assert.That((await ExecAsync("mkdir -p /var/lib/localkube/data && echo kept > /var/lib/localkube/data/marker")).ExitCode, Is.Zero);

        await Driver.StopAsync(Machine, TimeSpan.FromSeconds(30), Token);
        Assert.That(await Driver.GetStateAsync(Machine, Token), Is.EqualTo(MachineState.Stopped));
        var container = await Docker.Containers.InspectContainerAsync(Machine.Name, Token);
        Assert.That(container.State.ExitCode, Is.Zero, "localkube-init should exit 0 on SIGTERM");
        Assert.That(await DockerResources.InspectVolumeAsync(Docker, Machine.Name, Token), Is.Not.Null);

        await Driver.StopAsync(Machine, TimeSpan.FromSeconds(30), Token);   // idempotent
        await Driver.StartAsync(Machine, Token);
        await Driver.StartAsync(Machine, Token);                              // a no-op when running
        Assert.That(await Driver.GetStateAsync(Machine, Token), Is.EqualTo(MachineState.Running));
        Assert.That((await ExecAsync("cat /var/lib/localkube/data/marker")).Stdout.Trim(), Is.EqualTo("kept"));
        Assert.That((await Driver.GetEndpointAsync(Machine, Token)).ApiServer.Port, Is.EqualTo(ApiPort));
    }

    [Test]
    public async Task Kill_StopsAtOnce()
    {
        await CreateAsync();
        await Driver.KillAsync(Machine, Token);
        Assert.That(await Driver.GetStateAsync(Machine, Token), Is.EqualTo(MachineState.Stopped));
        await Driver.KillAsync(Machine, Token);
    }

    [Test]
    public async Task Delete_LeavesNothingLabelled_AndIsIdempotent()
    {
        await CreateAsync();
        await Driver.DeleteAsync(Machine, Token);
        Assert.That(await Driver.GetStateAsync(Machine, Token), Is.EqualTo(MachineState.NotFound));
        Assert.That(await LabelledObjectsAsync(), Is.Empty);
        await Driver.DeleteAsync(Machine, Token);
        await Driver.StopAsync(Machine, TimeSpan.FromSeconds(5), Token);
    }

    [Test]
    public async Task Create_WithABusyPort_FailsNamingIt_AndLeavesNothing()
    {
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var port = ((IPEndPoint)busy.LocalEndpoint).Port;

        var e = Assert.ThrowsAsync<LocalKubeException>(() => CreateAsync(new PortMapping(port, 80)));
        Assert.That(e!.Reason, Is.EqualTo(Reasons.PortInUse));
        Assert.That(e.Message, Does.Contain(port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(await LabelledObjectsAsync(), Is.Empty);
        Assert.That(await Driver.GetStateAsync(Machine, Token), Is.EqualTo(MachineState.NotFound));
    }

    [Test]
    public async Task Create_PublishesExtraPorts()
    {
        var hostPort = DockerTestSupport.FreePort();
        await CreateAsync(new PortMapping(hostPort, 30080));
        var container = await Docker.Containers.InspectContainerAsync(Machine.Name, Token);
        var binding = container.NetworkSettings.Ports["30080/tcp"].Single();
        Assert.That((binding.HostIP, binding.HostPort), Is.EqualTo(("127.0.0.1", hostPort.ToString(System.Globalization.CultureInfo.InvariantCulture))));
    }

    [Test]
    public async Task Create_RefusesAContainerItDidNotMake_AndLeavesItAlone()
    {
        var image = await Driver.NodeImage.EnsureAsync(null, DockerTestSupport.Progress(), Token);
        var stranger = await Docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = Machine.Name,
            Image = image,
            Entrypoint = ["sleep", "600"],
        }, Token);
        try
        {
            var e = Assert.ThrowsAsync<LocalKubeException>(() => CreateAsync());
            Assert.That(e!.Reason, Is.EqualTo(Reasons.GuestProvision));
            Assert.That(e.Message, Does.Contain("did not make"));
            Assert.That(await Driver.GetStateAsync(Machine, Token), Is.EqualTo(MachineState.Error));
            await Driver.DeleteAsync(Machine, Token);
            Assert.That((await Docker.Containers.InspectContainerAsync(Machine.Name, Token)).ID, Is.EqualTo(stranger.ID));
        }
        finally
        {
            await DockerResources.RemoveContainerAsync(Docker, stranger.ID, CancellationToken.None);
        }
    }

    [Test]
    public async Task Create_CompletesAHalfMadeNode()
    {
        // What a crash between 'docker create' and 'docker start' leaves behind.
        var image = await Driver.NodeImage.EnsureAsync(null, DockerTestSupport.Progress(), Token);
        var spec = DockerTestSupport.Spec(Machine, ApiPort);
        await DockerResources.EnsureNetworkAsync(Docker, Machine, Token);
        await DockerResources.EnsureVolumeAsync(Docker, Machine, Token);
        await NodeContainers.CreateContainerAsync(Docker, spec, image, Token);
        Assert.That(await Driver.GetStateAsync(Machine, Token), Is.EqualTo(MachineState.Error));

        await CreateAsync();
        Assert.That(await Driver.GetStateAsync(Machine, Token), Is.EqualTo(MachineState.Running));
    }

    [Test]
    public void MissingBaseImage_IsAClearError()
    {
        var spec = DockerTestSupport.Spec(Machine, ApiPort) with { BaseImage = "localkube/does-not-exist:nope" };
        var e = Assert.ThrowsAsync<LocalKubeException>(() => Driver.CreateAsync(spec, DockerTestSupport.Progress(), Token));
        Assert.That(e!.Message, Does.Contain("localkube/does-not-exist:nope").And.Contain("does not pull"));
    }

    [Test]
    public async Task GetState_OfAnUnknownMachine_IsNotFound()
    {
        Assert.That(await Driver.GetStateAsync(Machine, Token), Is.EqualTo(MachineState.NotFound));
        Assert.That(await Driver.IsAgentRunningAsync(Machine, Token), Is.False);
    }
}
