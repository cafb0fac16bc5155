using System.Text.Json;
using LocalKube.Testing;

namespace LocalKube.IntegrationTests;

/// <summary>
/// <c>localkube start --driver=qemu</c> end to end through the published CLI and the real kubectl, booting the VM
/// node image (under TCG where KVM does not work). One VM goes through everything, since each boot under emulation is
/// slow: start, kubectl, a pod in the VM's Docker Engine, a ConfigMap, stop and start (graceful), kill -9 of QEMU
/// (status 7), delete. That a killed VM boots again with its data is the driver conformance suite's kill case (one
/// boot fewer here).
/// </summary>
[TestFixture]
[Category("E2E")]
[RequiresQemu]
[NonParallelizable]
public sealed class QemuLifecycleTests
{
    [Test]
    [CancelAfter(1_200_000)]
    public async Task StartStopStartKillDelete_KeepsDataAndLeavesNoTrace(CancellationToken ct)
    {
        await using var env = new LocalKubeEnvironment();
        var profile = env.Profile("qemu");

        var start = await env.LocalKubeAsync(["start", "--driver=qemu", "-p", profile, "--memory=2g"], ct);
        Assert.That(start.ExitCode, Is.Zero, start.StandardOutput + start.StandardError);
        Assert.That(start.StandardOutput, Does.Contain("Booting VM").And.Contain("Done!"));
        Assert.That((await env.KubectlAsync(["get", "--raw", "/readyz"], ct)).StandardOutput.Trim(), Is.EqualTo("ok"));
        var nodes = await env.KubectlAsync(["get", "nodes", "-o", "name"], ct);
        Assert.That(nodes.StandardOutput.Trim(), Is.EqualTo($"node/{profile}"), nodes.StandardError);
        var ip = await env.LocalKubeAsync(["ip", "-p", profile], ct);
        Assert.That(ip.StandardOutput.Trim(), Is.EqualTo("10.0.2.15"));
        var created = await env.KubectlAsync(["create", "configmap", "kept", "--from-literal=state=before-stop"], ct);
        Assert.That(created.ExitCode, Is.Zero, created.StandardError);

        // A pod really runs in the VM's own Docker Engine: the sandbox image is the one image every node has (the
        // kubelet loads it from the node image; no registry here), running a busybox shell.
        var pod = await env.KubectlAsync(["run", "hello", "--image=registry.k8s.io/pause:3.10", "--restart=Never", "--command", "--",
            "/bin/busybox", "sh", "-c", "echo hello from $(/bin/busybox hostname); exec /bin/busybox sleep 3600"], ct);
        Assert.That(pod.ExitCode, Is.Zero, pod.StandardError);
        var ready = await env.KubectlAsync(["wait", "--for=condition=Ready", "pod/hello", "--timeout=180s"], ct);
        Assert.That(ready.ExitCode, Is.Zero, ready.StandardOutput + ready.StandardError + (await env.KubectlAsync(["describe", "pod", "hello"], ct)).StandardOutput);
        var container = await env.KubectlAsync(["get", "pod", "hello", "-o", "jsonpath={.status.containerStatuses[0].containerID}"], ct);
        Assert.That(container.StandardOutput.Trim(), Does.StartWith("docker://"), container.StandardError);

        var stop = await env.LocalKubeAsync(["stop", "-p", profile], ct);
        Assert.That(stop.ExitCode, Is.Zero, stop.StandardOutput + stop.StandardError);
        Assert.That(QemuProcesses(env, profile), Is.Empty, "the ACPI shutdown ended QEMU");
        Assert.That((await env.LocalKubeAsync(["status", "-p", profile], ct)).ExitCode, Is.EqualTo(7));

        var resume = await env.LocalKubeAsync(["start", "-p", profile], ct);
        Assert.That(resume.ExitCode, Is.Zero, resume.StandardOutput + resume.StandardError);
        Assert.That(await ConfigMapAsync(env, ct), Is.EqualTo("before-stop"), "the node's data survives stop/start");

        // A crash of the hypervisor: status says Stopped (exit 7), like minikube's for a dead VM.
        foreach (var pid in QemuProcesses(env, profile))
        {
            using var qemu = System.Diagnostics.Process.GetProcessById(pid);
            qemu.Kill();
            await qemu.WaitForExitAsync(ct);
        }

        var killed = await env.LocalKubeAsync(["status", "-p", profile, "-o", "json"], ct);
        Assert.That(killed.ExitCode, Is.EqualTo(7), killed.StandardOutput);
        using (var status = JsonDocument.Parse(killed.StandardOutput))
        {
            Assert.That(status.RootElement.GetProperty("Host").GetString(), Is.EqualTo("Stopped"));
        }

        var delete = await env.LocalKubeAsync(["delete", "-p", profile], ct);
        Assert.That(delete.ExitCode, Is.Zero, delete.StandardOutput + delete.StandardError);
        Assert.Multiple(() =>
        {
            Assert.That(Directory.Exists(env.ProfileDirectory(profile)), Is.False, "no files left (disks, share, sockets, console)");
            Assert.That(QemuProcesses(env, profile), Is.Empty, "no QEMU left");
        });
    }

    private static async Task<string> ConfigMapAsync(LocalKubeEnvironment env, CancellationToken ct)
    {
        var get = await env.KubectlAsync(["get", "configmap", "kept", "-o", "jsonpath={.data.state}"], ct);
        return get.StandardOutput.Trim() + get.StandardError.Trim();
    }

    // QEMU processes whose command line points into this profile's folder.
    private static List<int> QemuProcesses(LocalKubeEnvironment env, string profile) =>
        [.. Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
            .Where(pid => pid > 0)
            .Where(pid =>
            {
                try
                {
                    var commandLine = File.ReadAllText($"/proc/{pid}/cmdline");
                    return commandLine.Contains("qemu-system", StringComparison.Ordinal)
                        && commandLine.Contains(env.ProfileDirectory(profile), StringComparison.Ordinal);
                }
                catch (IOException)
                {
                    return false;
                }
            })];
}
