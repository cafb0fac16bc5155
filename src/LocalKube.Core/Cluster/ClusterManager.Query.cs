using System.Runtime.CompilerServices;
using LocalKube.Abstractions.Drivers;
using LocalKube.Abstractions.Errors;
using LocalKube.Core.Kubeconfig;
using LocalKube.Core.Profiles;

namespace LocalKube.Core.Cluster;

public sealed partial class ClusterManager
{
    /// <summary>
    /// The node's status as minikube reports it. A healthy node is recognised from its API server alone (see the
    /// comment inside); the driver is asked only when the API server does not answer.
    /// </summary>
    public async Task<ClusterStatus> GetStatusAsync(string profile, CancellationToken cancellationToken)
    {
        // status runs in loops in scripts, so the healthy case must be cheap. The API server's host port is fixed
        // when the node is created and the probe trusts only the certificate this profile issued to its agent: an
        // answer from there proves the node and its agent run, without asking the driver (whose client library
        // costs more start-up time than the whole probe). The kubeconfig is read from the start, alongside the
        // profile and then the probe's TLS handshake.
        ProfileName.Validate(profile);
        var serverTask = kubeconfig.GetServerAsync(profile, cancellationToken);
        ClusterConfig config;
        try
        {
            config = await LoadRequiredAsync(profile, cancellationToken);
        }
        catch
        {
            // The kubeconfig read is not wanted any more, but is not left running either.
            await Task.WhenAny(serverTask);
            throw;
        }

        var expected = new Uri($"https://127.0.0.1:{config.ApiServerPort}");
        var readyTask = ReadinessAsync(profile, expected, cancellationToken);
        await Task.WhenAll(readyTask, serverTask);
        var (readiness, server) = (await readyTask, await serverTask);
        var ready = readiness.ApiServerReady;
        if (ready)
        {
            Log.Status(logger, profile, MachineState.Running, true, true);
            var configured = server is not null && SameServer(server, expected) ? ClusterStatus.Configured : ClusterStatus.Misconfigured;
            return new ClusterStatus(profile, ClusterStatus.Running, readiness.KubeletState, ClusterStatus.Running, configured, false)
            {
                ContainerRuntime = config.EffectiveContainerRuntime,
            };
        }

        var driver = drivers.GetDriver(config.Driver);
        var machine = PrimaryMachine(profile);
        var state = await StateOrErrorAsync(driver, machine, cancellationToken);
        if (state != MachineState.Running)
        {
            var host = state switch
            {
                MachineState.NotFound => ClusterStatus.Nonexistent,
                MachineState.Error => ClusterStatus.Error,
                MachineState.Paused => "Paused",
                _ => ClusterStatus.Stopped,
            };
            return new ClusterStatus(profile, host, ClusterStatus.Stopped, ClusterStatus.Stopped, ClusterStatus.Stopped, false)
            {
                ContainerRuntime = config.EffectiveContainerRuntime,
            };
        }

        var endpoint = await driver.GetEndpointAsync(machine, cancellationToken);
        if (!SameServer(endpoint.ApiServer, expected))
        {
            readiness = await ReadinessAsync(profile, endpoint.ApiServer, cancellationToken);
            ready = readiness.ApiServerReady;
        }

        var agent = readiness.Answered || await driver.IsAgentRunningAsync(machine, cancellationToken);
        Log.Status(logger, profile, state, agent, ready);
        var kubeconfigState = server is not null && SameServer(server, endpoint.ApiServer) ? ClusterStatus.Configured : ClusterStatus.Misconfigured;
        return new ClusterStatus(
            profile,
            ClusterStatus.Running,

            // The kubelet's own readiness check when the API server answers; without an answer nothing says it runs.
            readiness.KubeletState,
            ready ? ClusterStatus.Running : agent ? ClusterStatus.Error : ClusterStatus.Stopped,
            kubeconfigState,
            false)
        {
            ContainerRuntime = config.EffectiveContainerRuntime,
        };
    }

    /// <summary>The machine's state; <see cref="MachineState.Error"/> when the driver's backend is gone (e.g. Docker stopped).</summary>
    private static async Task<MachineState> StateOrErrorAsync(IDriver driver, MachineRef machine, CancellationToken cancellationToken)
    {
        try
        {
            return await driver.GetStateAsync(machine, cancellationToken);
        }
        catch (LocalKubeException)
        {
            return MachineState.Error;
        }
    }

    private async Task<ApiServerReadiness> ReadinessAsync(string profile, Uri server, CancellationToken cancellationToken)
    {
        using var probe = await ProbeFromDiskAsync(profile, server, cancellationToken);
        return probe is null ? ApiServerReadiness.Unreachable : await probe.GetReadinessAsync(cancellationToken);
    }

    /// <summary>The node's IP address (<c>localkube ip</c>).</summary>
    public async Task<string> GetIpAsync(string profile, CancellationToken cancellationToken)
    {
        var (driver, machine) = await RunningMachineAsync(profile, cancellationToken);
        return (await driver.GetEndpointAsync(machine, cancellationToken)).NodeIp;
    }

    /// <summary>The agent's log lines (<c>localkube logs</c>).</summary>
    public async IAsyncEnumerable<string> ReadLogsAsync(string profile, int tailLines, bool follow, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var config = await LoadRequiredAsync(profile, cancellationToken);
        var driver = drivers.GetDriver(config.Driver);
        await foreach (var line in driver.ReadAgentLogAsync(PrimaryMachine(profile), tailLines, follow, cancellationToken))
        {
            yield return line;
        }
    }

    /// <summary>Points the profile's kubeconfig entries at the node's current address. Returns whether anything changed.</summary>
    public async Task<(bool Changed, Uri Server)> UpdateContextAsync(string profile, CancellationToken cancellationToken)
    {
        var (driver, machine) = await RunningMachineAsync(profile, cancellationToken);
        var endpoint = await driver.GetEndpointAsync(machine, cancellationToken);
        var current = await kubeconfig.GetServerAsync(profile, cancellationToken);
        if (current is not null && SameServer(current, endpoint.ApiServer))
        {
            return (false, endpoint.ApiServer);
        }

        var certs = await pki.EnsureAsync(profile, machine.Name, endpoint.Addresses.Append(machine.Name), cancellationToken);
        var entry = new KubeconfigEntry(profile, endpoint.ApiServer, certs.CaCertificate.Pem, certs.AdminCertificate.Pem, certs.AdminKey.Pem, KeepContext: true);
        await kubeconfig.UpdateAsync(entry, cancellationToken);
        return (true, endpoint.ApiServer);
    }

    /// <summary>Every profile with its state (<c>profile list</c>).</summary>
    public async Task<ProfileListView> ListProfilesAsync(CancellationToken cancellationToken)
    {
        var all = await profiles.ListAsync(cancellationToken);
        var current = await TryCurrentContextAsync(cancellationToken);
        var valid = new List<ProfileSummary>();
        foreach (var config in all.Valid)
        {
            var (status, ip) = await QuickStateAsync(config, cancellationToken);
            valid.Add(new ProfileSummary(config.Name, status, config.Driver, ip, config.ApiServerPort, config.KubernetesVersion,
                Math.Max(1, config.Nodes.Count), current == config.Name));
        }

        var invalid = all.Invalid.Select(p => new InvalidProfileView(p.Name, p.Problem)).ToList();
        return new ProfileListView(invalid, valid);
    }

    private async Task<(string Status, string Ip)> QuickStateAsync(ClusterConfig config, CancellationToken cancellationToken)
    {
        try
        {
            var driver = drivers.GetDriver(config.Driver);
            var machine = PrimaryMachine(config.Name);
            var state = await driver.GetStateAsync(machine, cancellationToken);
            if (state != MachineState.Running)
            {
                return (state == MachineState.NotFound ? ClusterStatus.Nonexistent : state.ToString(), "");
            }

            return (ClusterStatus.Running, (await driver.GetEndpointAsync(machine, cancellationToken)).NodeIp);
        }
        catch (LocalKubeException)
        {
            return (ClusterStatus.Error, "");
        }
    }

    private async Task<string?> TryCurrentContextAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await kubeconfig.GetCurrentContextAsync(cancellationToken);
        }
        catch (LocalKubeException)
        {
            return null;
        }
    }

    private async Task<(IDriver Driver, MachineRef Machine)> RunningMachineAsync(string profile, CancellationToken cancellationToken)
    {
        var config = await LoadRequiredAsync(profile, cancellationToken);
        var driver = drivers.GetDriver(config.Driver);
        var machine = PrimaryMachine(profile);
        var state = await driver.GetStateAsync(machine, cancellationToken);
        return state == MachineState.Running
            ? (driver, machine)
            : throw new LocalKubeException(Reasons.GuestNotRunning, $"The \"{profile}\" cluster is not running (its node is {state}).");
    }

    private static async Task<string> ReadTailAsync(IDriver driver, MachineRef machine, int lines, CancellationToken cancellationToken)
    {
        var tail = new List<string>();
        try
        {
            await foreach (var line in driver.ReadAgentLogAsync(machine, lines, follow: false, cancellationToken))
            {
                tail.Add("  " + line);
            }
        }
        catch (LocalKubeException e)
        {
            tail.Add($"  (cannot read the agent log: {e.Message})");
        }

        return tail.Count == 0 ? "  (the agent log is empty)" : string.Join('\n', tail);
    }

    private static bool SameServer(Uri a, Uri b) =>
        string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port && a.Scheme == b.Scheme;
}
