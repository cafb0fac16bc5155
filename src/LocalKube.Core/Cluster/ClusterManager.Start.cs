using System.Net;
using System.Net.Sockets;
using LocalKube.Abstractions.Drivers;
using LocalKube.Abstractions.Errors;
using LocalKube.Core.Certificates;
using LocalKube.Core.Kubeconfig;
using LocalKube.Core.Profiles;

namespace LocalKube.Core.Cluster;

public sealed partial class ClusterManager
{
    private const int StartSteps = 6;

    /// <summary>
    /// Creates or resumes the cluster and points kubectl at it. Idempotent: on a running, healthy cluster it only
    /// re-checks health and the kubeconfig. Everything that can be refused (bad name, unusable driver, busy port,
    /// malformed kubeconfig, missing agent build) is refused before anything is created.
    /// </summary>
    public async Task StartAsync(StartRequest request, IStepReporter reporter, CancellationToken cancellationToken)
    {
        ProfileName.Validate(request.Profile);
        var existing = await profiles.LoadAsync(request.Profile, cancellationToken);

        // Refuse a kubeconfig we could not write at the end, before creating anything.
        await kubeconfig.GetCurrentContextAsync(cancellationToken);

        var selection = await reporter.StepAsync(new StepInfo(1, StartSteps, "Selecting driver"), async (progress, ct) =>
        {
            var result = await selector.SelectAsync(request.Profile, request.Driver, existing?.Driver, ct, request.VmOnly);
            progress.Report($"using the {result.Pick.Descriptor.Name} driver ({result.Source switch
            {
                Drivers.DriverSelectionSource.ExistingProfile => "existing profile",
                Drivers.DriverSelectionSource.Requested => "--driver",
                _ => "auto-detected",
            }})");
            return result;
        }, cancellationToken);
        foreach (var rejected in selection.Rejected)
        {
            reporter.Info($"Not using the {rejected.Descriptor.Name} driver: {rejected.Reason}");
        }

        var descriptor = selection.Pick.Descriptor;
        if (descriptor.Priority == DriverPriority.Deprecated)
        {
            reporter.Warning($"The {descriptor.Name} driver is deprecated and will be removed in a future release. On macOS use the docker or qemu driver instead.");
        }

        CheckCapabilities(descriptor, request);
        var bundle = assets.GetNodeBundleDirectory();
        var config = existing is null
            ? NewConfig(request, descriptor)
            : UpdateExisting(existing, request, reporter);
        var driver = drivers.GetDriver(descriptor.Name);
        var machine = PrimaryMachine(config.Name);
        Log.Starting(logger, config.Name, descriptor.Name);
        reporter.Info(config.EffectiveContainerRuntime == ClusterDefaults.SimulatedRuntime
            ? $"Container runtime: simulated (the {descriptor.Name} driver's node has no container engine: pods reach Running without running anything)"
            : "Container runtime: docker (pods run as containers in the node's own Docker Engine)");

        if (existing is not null && await IsHealthyAsync(driver, machine, cancellationToken))
        {
            reporter.Info($"The \"{config.Name}\" cluster is already running; checking its health and kubeconfig.");
            await ConfigureKubeconfigAsync(config, driver, machine, bundle, reporter, cancellationToken);
            return;
        }

        // From here on the profile exists, so 'delete' finds it and a second 'start' completes it.
        await profiles.SaveAsync(config, cancellationToken);
        try
        {
            await BringUpAsync(config, descriptor, driver, machine, bundle, request, reporter, cancellationToken);
        }
        catch (Exception e) when (request.DeleteOnFailure && e is not OperationCanceledException)
        {
            Log.DeletingAfterFailure(logger, config.Name, e);
            reporter.Warning($"Start failed; deleting \"{config.Name}\" (--delete-on-failure).");
            await DeleteAsync(config.Name, purge: false, reporter, CancellationToken.None);
            throw;
        }
    }

    private async Task BringUpAsync(
        ClusterConfig config,
        DriverDescriptor descriptor,
        IDriver driver,
        MachineRef machine,
        string bundle,
        StartRequest request,
        IStepReporter reporter,
        CancellationToken cancellationToken)
    {
        var state = await driver.GetStateAsync(machine, cancellationToken);
        Log.MachineState(logger, machine.Name, state);
        var nodeStep = state switch
        {
            MachineState.NotFound => $"Creating {descriptor.Name} node \"{machine.Name}\"",
            MachineState.Running => $"Using running {descriptor.Name} node \"{machine.Name}\"",
            _ => $"Restarting existing {descriptor.Name} node \"{machine.Name}\"",
        };
        var endpoint = await reporter.StepAsync(new StepInfo(2, StartSteps, nodeStep), async (progress, ct) =>
        {
            if (state == MachineState.NotFound)
            {
                var spec = new MachineSpec(machine, config.Cpus, config.MemoryMiB, config.ApiServerPort, config.Ports, config.BaseImage)
                {
                    DriverOptions = config.DriverOptions,
                    EngineTls = driver is IContainerEngineEndpoint ? await EngineTlsAsync(config.Name, ct) : null,
                };
                await driver.CreateAsync(spec, progress, ct);
            }
            else if (state != MachineState.Running)
            {
                await driver.StartAsync(machine, ct);
            }

            return await driver.GetEndpointAsync(machine, ct);
        }, cancellationToken);

        var certs = await reporter.StepAsync(new StepInfo(3, StartSteps, "Generating certificates"), async (progress, ct) =>
        {
            var result = await pki.EnsureAsync(config.Name, machine.Name, endpoint.Addresses.Append(machine.Name), ct);
            progress.Report(result.Issued.Count == 0 ? "reusing existing certificates" : string.Join("; ", result.Issued));
            Log.Certificates(logger, config.Name, result.Issued.Count == 0 ? "reused" : string.Join("; ", result.Issued));
            return result;
        }, cancellationToken);

        await reporter.StepAsync(new StepInfo(4, StartSteps, "Starting node agent"), async (_, ct) =>
        {
            await driver.StartAgentAsync(machine, AgentLaunchFor(bundle, certs, config, machine, endpoint), ct);
        }, cancellationToken);

        if (request.Wait)
        {
            await reporter.StepAsync(new StepInfo(5, StartSteps, "Waiting for the API server"), async (_, ct) =>
            {
                using var probe = Probe(endpoint.ApiServer, certs);
                if (await probe.WaitReadyAsync(request.WaitTimeout, c => driver.IsAgentRunningAsync(machine, c), ct))
                {
                    return;
                }

                var logTail = await ReadTailAsync(driver, machine, 15, ct);
                if (!await driver.IsAgentRunningAsync(machine, ct))
                {
                    throw new LocalKubeException(Reasons.AgentFailed, $"The node agent exited during start. Its last log lines:\n{logTail}");
                }

                var readyz = await probe.GetReadyzVerboseAsync(ct) ?? "unreachable";
                throw new LocalKubeException(Reasons.ApiServerTimeout,
                    $"The API server at {endpoint.ApiServer} was not ready within {request.WaitTimeout}. /readyz says:\n{readyz}\nLast agent log lines:\n{logTail}");
            }, cancellationToken);
        }

        await WriteKubeconfigAsync(config, endpoint, certs, reporter, cancellationToken);
    }

    private async Task ConfigureKubeconfigAsync(ClusterConfig config, IDriver driver, MachineRef machine, string bundle, IStepReporter reporter, CancellationToken cancellationToken)
    {
        var endpoint = await driver.GetEndpointAsync(machine, cancellationToken);
        var certs = await pki.EnsureAsync(config.Name, machine.Name, endpoint.Addresses.Append(machine.Name), cancellationToken);
        if (certs.Issued.Count > 0)
        {
            // New certificates (e.g. the node's address changed) only reach the agent through a restart.
            await driver.StartAgentAsync(machine, AgentLaunchFor(bundle, certs, config, machine, endpoint), cancellationToken);
            using var probe = Probe(endpoint.ApiServer, certs);
            await probe.WaitReadyAsync(TimeSpan.FromMinutes(1), c => driver.IsAgentRunningAsync(machine, c), cancellationToken);
        }

        await WriteKubeconfigAsync(config, endpoint, certs, reporter, cancellationToken);
    }

    private async Task WriteKubeconfigAsync(ClusterConfig config, NodeEndpoint endpoint, ProfileCertificates certs, IStepReporter reporter, CancellationToken cancellationToken)
    {
        await reporter.StepAsync(new StepInfo(6, StartSteps, "Configuring kubeconfig"), async (_, ct) =>
        {
            var entry = new KubeconfigEntry(config.Name, endpoint.ApiServer, certs.CaCertificate.Pem, certs.AdminCertificate.Pem, certs.AdminKey.Pem, config.KeepContext);
            await kubeconfig.UpdateAsync(entry, ct);
        }, cancellationToken);
        reporter.Info(config.KeepContext
            ? $"Done! The \"{config.Name}\" cluster is ready; kubectl's current context is unchanged (use --context {config.Name})."
            : $"Done! kubectl is now configured to use \"{config.Name}\" cluster and \"default\" namespace by default");
    }

    private async Task<bool> IsHealthyAsync(IDriver driver, MachineRef machine, CancellationToken cancellationToken)
    {
        if (await driver.GetStateAsync(machine, cancellationToken) != MachineState.Running)
        {
            return false;
        }

        var endpoint = await driver.GetEndpointAsync(machine, cancellationToken);
        using var probe = await ProbeFromDiskAsync(machine.Profile, endpoint.ApiServer, cancellationToken);
        return probe is not null && await probe.IsReadyAsync(cancellationToken);
    }

    /// <summary>What the driver needs to (re)start the agent: the bundle, the node's certificate files, our arguments.</summary>
    private static AgentLaunch AgentLaunchFor(string bundle, ProfileCertificates certs, ClusterConfig config, MachineRef machine, NodeEndpoint endpoint) =>
        new(bundle, certs.GetNodeFiles(), AgentArguments(config, machine, endpoint));

    private static List<string> AgentArguments(ClusterConfig config, MachineRef machine, NodeEndpoint endpoint)
    {
        var args = new List<string>
        {
            "--node-name", machine.Name, "--advertise-address", endpoint.NodeIp, "--container-runtime", config.EffectiveContainerRuntime,
        };
        foreach (var extra in config.ExtraConfig)
        {
            args.Add("--extra-config");
            args.Add(extra);
        }

        if (config.EtcdServers.Count > 0)
        {
            args.Add("--etcd-servers");
            args.Add(string.Join(',', config.EtcdServers));
        }

        return args;
    }

    private static void CheckCapabilities(DriverDescriptor descriptor, StartRequest request)
    {
        if (request.ContainerRuntime == ClusterDefaults.DockerRuntime && !descriptor.Has(DriverCapabilities.ContainerEngine))
        {
            throw new LocalKubeException(Reasons.Usage,
                $"--container-runtime=docker needs a node with its own Docker Engine, which the {descriptor.Name} driver does not have: use --driver=docker, or --container-runtime=simulated.");
        }

        if (request.Ports.Count > 0 && !descriptor.Has(DriverCapabilities.PortPublishing))
        {
            throw new LocalKubeException(Reasons.Usage,
                $"--ports is not supported by the {descriptor.Name} driver: its node shares the host's network, so node ports are host ports already.");
        }

        if (request.BaseImage is not null && !descriptor.Has(DriverCapabilities.NodeImage))
        {
            throw new LocalKubeException(Reasons.Usage, $"--base-image is not supported by the {descriptor.Name} driver, which uses no node image.");
        }
    }

    private static ClusterConfig NewConfig(StartRequest request, DriverDescriptor descriptor)
    {
        var apiServerPort = request.ApiServerPort ?? FreeLoopbackPort();
        EnsurePortFree(apiServerPort, "--apiserver-port");
        foreach (var port in request.Ports)
        {
            EnsurePortFree(port.HostPort, "--ports", port.HostIp, port.Protocol);
        }

        return new ClusterConfig
        {
            Name = request.Profile,
            Driver = descriptor.Name,
            Cpus = request.Cpus ?? ClusterDefaults.Cpus,
            MemoryMiB = request.MemoryMiB ?? request.DefaultMemoryMiB,
            ApiServerPort = apiServerPort,
            Ports = request.Ports,
            BaseImage = request.BaseImage,
            ExtraConfig = request.ExtraConfig,
            EtcdServers = request.EtcdServers,
            ContainerRuntime = request.ContainerRuntime
                ?? (descriptor.Has(DriverCapabilities.ContainerEngine) ? ClusterDefaults.DockerRuntime : ClusterDefaults.SimulatedRuntime),
            KeepContext = request.KeepContext,
            DriverOptions = request.DriverOptions,
            CreatedAt = DateTimeOffset.UtcNow,
            Nodes = [new ClusterNode(request.Profile, NodeRole.ControlPlane)],
        };
    }

    /// <summary>Creation-time flags are fixed once the node exists (as in minikube); say so rather than ignore silently.</summary>
    private static ClusterConfig UpdateExisting(ClusterConfig existing, StartRequest request, IStepReporter reporter)
    {
        if ((request.Cpus is { } c && c != existing.Cpus) || (request.MemoryMiB is { } m && m != existing.MemoryMiB)
            || (request.Ports.Count > 0 && !request.Ports.SequenceEqual(existing.Ports))
            || (request.ApiServerPort is { } p && p != existing.ApiServerPort)
            || (request.BaseImage is { } b && b != existing.BaseImage)
            || (request.ContainerRuntime is { } r && r != existing.EffectiveContainerRuntime)
            || request.DriverOptions.Any(o => !existing.DriverOptions.TryGetValue(o.Key, out var v) || v != o.Value))
        {
            reporter.Warning($"The \"{existing.Name}\" cluster exists: --cpus, --memory, --ports, --apiserver-port, --base-image, --container-runtime and driver settings apply only when it is created. Run 'localkube delete -p {existing.Name}' to change them.");
        }

        return existing with
        {
            ExtraConfig = request.ExtraConfig.Count > 0 ? request.ExtraConfig : existing.ExtraConfig,
            EtcdServers = request.EtcdServers.Count > 0 ? request.EtcdServers : existing.EtcdServers,
            KeepContext = request.KeepContext,
        };
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void EnsurePortFree(int port, string flag, string hostIp = "127.0.0.1", string protocol = "tcp")
    {
        if (protocol != "tcp")
        {
            return;
        }

        try
        {
            using var listener = new TcpListener(IPAddress.Parse(hostIp), port);
            listener.Start();
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
        {
            throw new LocalKubeException(Reasons.PortInUse, $"Port {port} on {hostIp} ({flag}) is already in use: {e.Message}.");
        }
    }
}
