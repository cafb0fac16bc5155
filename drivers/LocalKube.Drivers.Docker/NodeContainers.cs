using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Docker.DotNet;
using Docker.DotNet.Models;
using LocalKube.Abstractions.Drivers;
using LocalKube.Abstractions.Errors;

namespace LocalKube.Drivers.Docker;

/// <summary>Creating, starting and rolling back node containers (the steps of <see cref="DockerDriver.CreateAsync"/>).</summary>
internal static partial class NodeContainers
{
    // Capabilities an engine rejected as unknown, so later creates in this process skip the failed round trips.
    private static readonly ConcurrentDictionary<(string Engine, string Capability), bool> UnknownToEngine = new();

    public static async Task StartExistingAsync(IDockerClient client, ContainerInspectResponse existing, MachineRef machine, CancellationToken cancellationToken)
    {
        if (existing.State.Paused)
        {
            await client.Containers.UnpauseContainerAsync(existing.ID, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (existing.State.Running)
        {
            return;
        }

        var ports = (existing.HostConfig?.PortBindings ?? new Dictionary<string, IList<PortBinding>>())
            // A binding without a host port (the engine endpoint's) takes a free one at each start: nothing to check.
            .SelectMany(kv => kv.Value.Where(b => !string.IsNullOrEmpty(b.HostPort)).Select(b => new PortMapping(int.Parse(b.HostPort, CultureInfo.InvariantCulture),
                int.Parse(kv.Key.Split('/')[0], CultureInfo.InvariantCulture), kv.Key.Split('/').ElementAtOrDefault(1) ?? "tcp",
                string.IsNullOrEmpty(b.HostIP) ? "0.0.0.0" : b.HostIP)))
            .ToList();
        try
        {
            await StartContainerAsync(client, existing.ID, machine.Name, ports, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException e)
        {
            throw DockerErrors.AsPortInUse(e, ports) ?? DockerErrors.Provision($"Could not start node {machine.Name}", e);
        }
    }

    public static async Task StartContainerAsync(
        IDockerClient client, string id, string name, IReadOnlyList<PortMapping> ports, CancellationToken cancellationToken)
    {
        await client.Containers.StartContainerAsync(id, new ContainerStartParameters(), cancellationToken).ConfigureAwait(false);
        var state = (await client.Containers.InspectContainerAsync(id, cancellationToken).ConfigureAwait(false)).State;
        if (!state.Running)
        {
            var why = $"Node {name} stopped right after start (exit code {state.ExitCode}{(string.IsNullOrEmpty(state.Error) ? string.Empty : ": " + state.Error)}).";
            throw DockerErrors.AsPortInUse(new InvalidOperationException(state.Error ?? string.Empty), ports)
                ?? new LocalKubeException(Reasons.GuestProvision, why);
        }
    }

    public static async Task<string> CreateContainerAsync(IDockerClient client, MachineSpec spec, string image, CancellationToken cancellationToken)
    {
        var engine = client.Configuration.EndpointBaseUri.ToString();
        var capabilities = HostCapabilities.ReadBoundingSet()?.Where(c => !UnknownToEngine.ContainsKey((engine, c))).ToList();
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var parameters = NodeContainerSpec.Build(spec, image, capabilities);
                return (await client.Containers.CreateContainerAsync(parameters, cancellationToken).ConfigureAwait(false)).ID;
            }
            catch (DockerApiException e) when (capabilities is not null && attempt < 8
                && UnknownCapability().Match(e.ResponseBody) is { Success: true } m && capabilities.Remove(m.Groups[1].Value))
            {
                UnknownToEngine[(engine, m.Groups[1].Value)] = true;
                // Older engines reject capabilities newer than themselves (Docker 20.10 knows none past CAP_AUDIT_READ);
                // the engine cannot grant those anyway, so leave them out and try again.
            }
        }
    }

    public static async Task RollbackAsync(IDockerClient client, MachineRef machine, string? containerId, bool volume, bool network)
    {
        // Runs after a failure or a cancellation: it gets its own deadline, not the caller's (possibly cancelled) token.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            if (containerId is not null)
            {
                await DockerResources.RemoveContainerAsync(client, containerId, cts.Token).ConfigureAwait(false);
            }

            if (volume)
            {
                await DockerResources.RemoveVolumeAsync(client, machine.Name, cts.Token).ConfigureAwait(false);
            }

            if (network)
            {
                await DockerResources.RemoveNetworkIfUnusedAsync(client, machine.Profile, cts.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is DockerApiException or OperationCanceledException or HttpRequestException or IOException)
        {
            // Best effort: the original failure is what the user must see; 'localkube delete' purges by label.
        }
    }

    [GeneratedRegex(@"unknown capability:\W*(CAP_[A-Z_]+)", RegexOptions.IgnoreCase)]
    private static partial Regex UnknownCapability();
}
