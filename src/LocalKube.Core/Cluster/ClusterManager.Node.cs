using LocalKube.Abstractions.Drivers;
using LocalKube.Abstractions.Errors;
using LocalKube.Core.Nodes;

namespace LocalKube.Core.Cluster;

public sealed partial class ClusterManager
{
    /// <summary>
    /// The profile's running node as a shell (<c>localkube ssh</c>, <c>image</c>): the profile must exist
    /// (<see cref="Reasons.ProfileNotFound"/>), its driver must reach into its node (<see cref="Reasons.NoNodeShell"/>),
    /// and the node must run (<see cref="Reasons.GuestNotRunning"/>). With <paramref name="containerEngine"/>, pods must
    /// run in the node's own Docker Engine, so images put there are what they use (<see cref="Reasons.NoContainerEngine"/>).
    /// </summary>
    public async Task<NodeAccess> OpenNodeAsync(string profile, bool containerEngine, CancellationToken cancellationToken)
    {
        var config = await LoadRequiredAsync(profile, cancellationToken);
        var driver = drivers.GetDriver(config.Driver);
        if (containerEngine && !driver.Descriptor.Has(DriverCapabilities.ContainerEngine))
        {
            throw new LocalKubeException(Reasons.NoContainerEngine,
                $"The \"{profile}\" cluster's {driver.Descriptor.Name} driver has no container engine in its node: pods run on the simulated runtime, which needs no images, so there is nothing to load, list, remove or build.");
        }

        if (containerEngine && config.EffectiveContainerRuntime != ClusterDefaults.DockerRuntime)
        {
            throw new LocalKubeException(Reasons.NoContainerEngine,
                $"The \"{profile}\" cluster runs pods on the {config.EffectiveContainerRuntime} runtime, which needs no images, so images in its node would not be used. Start a cluster with --container-runtime=docker to use them.");
        }

        if (driver is not INodeShell shell)
        {
            var why = driver.Descriptor.Has(DriverCapabilities.Isolated)
                ? $"The {driver.Descriptor.Name} driver cannot run commands in its node yet."
                : $"The {driver.Descriptor.Name} driver runs the node agent on this host itself: there is no separate node to open a shell in.";
            throw new LocalKubeException(Reasons.NoNodeShell, why);
        }

        var machine = PrimaryMachine(profile);
        var state = await driver.GetStateAsync(machine, cancellationToken);
        if (state != MachineState.Running)
        {
            throw new LocalKubeException(Reasons.GuestNotRunning, $"The \"{profile}\" cluster is not running (its node is {state}).");
        }

        return new NodeAccess(shell, machine, config, driver.Descriptor);
    }

    /// <summary>
    /// <c>docker-env</c>: the node engine's TLS address on the host and the client certificate folder. Fails with
    /// <see cref="Reasons.NoContainerEngine"/> for a driver without one, <see cref="Reasons.GuestNotRunning"/> for a
    /// stopped node, and <see cref="Reasons.EngineEndpointMissing"/> for a node created before the endpoint existed.
    /// </summary>
    public async Task<DockerEnvironment> GetDockerEnvironmentAsync(string profile, CancellationToken cancellationToken)
    {
        var config = await LoadRequiredAsync(profile, cancellationToken);
        var driver = drivers.GetDriver(config.Driver);
        if (driver is not IContainerEngineEndpoint engine)
        {
            throw new LocalKubeException(Reasons.NoContainerEngine,
                $"The 'docker-env' command is only compatible with the docker driver's own Docker Engine; the \"{profile}\" cluster uses the {driver.Descriptor.Name} driver"
                + (driver.Descriptor.Has(DriverCapabilities.Isolated) ? ", whose node engine cannot be reached from the host yet." : ", which runs pods on the simulated runtime with no engine in its node."));
        }

        var machine = PrimaryMachine(profile);
        var state = await driver.GetStateAsync(machine, cancellationToken);
        if (state != MachineState.Running)
        {
            throw new LocalKubeException(Reasons.GuestNotRunning, $"The \"{profile}\" cluster is not running (its node is {state}); 'docker-env' needs it running.");
        }

        var address = await engine.GetEngineEndpointAsync(machine, cancellationToken)
            ?? throw new LocalKubeException(Reasons.EngineEndpointMissing,
                $"The \"{profile}\" cluster's node was created before LocalKube published its Docker Engine; its ports are fixed at creation.");
        var certs = await pki.EnsureEngineAsync(profile, cancellationToken);
        return new DockerEnvironment(profile, address, certs.ClientDirectory);
    }

    /// <summary>The engine's TLS material for a new node.</summary>
    private async Task<EngineTls> EngineTlsAsync(string profile, CancellationToken cancellationToken)
    {
        var certs = await pki.EnsureEngineAsync(profile, cancellationToken);
        return new EngineTls(certs.CaCertificate.Pem, certs.ServerCertificate.Pem, certs.ServerKey.Pem);
    }
}
