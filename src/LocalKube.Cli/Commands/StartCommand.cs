using System.CommandLine;
using LocalKube.Cli.Output;
using LocalKube.Core.Cluster;
using LocalKube.Core.Paths;
using LocalKube.Core.Profiles;

namespace LocalKube.Cli.Commands;

/// <summary><c>localkube start</c>: create or resume a cluster and point kubectl at it.</summary>
public static class StartCommand
{
    public static Command Create(CliContext cli)
    {
        var driver = new Option<string?>("--driver", "-d") { Description = "Driver: docker, qemu (alias qemu2), hyperv, xhyve (alias hyperkit), process (alias none). Default: auto-detect." };
        var vmDriver = new Option<string?>("--vm-driver") { Description = "DEPRECATED, use `driver` instead." };
        var vm = new Option<bool>("--vm") { Description = "Filter to use only VM drivers (auto-detection)." };
        var hypervSwitch = new Option<string?>("--hyperv-virtual-switch") { Description = "The Hyper-V virtual switch for the VM (hyperv driver). Default: the Default Switch." };
        var cpus = new Option<string?>("--cpus") { Description = "CPUs for the node: a number, 'max' or 'no-limit'. Default 2." };
        var memory = new Option<string?>("--memory", "-m") { Description = "Memory for the node: <n>[b,k,m,g], 'max' or 'no-limit'. Default: 25% of RAM within [3072, 6144] MiB." };
        var ports = new Option<string[]>("--ports") { Description = "Node ports to publish on the host, HOST:NODE (docker driver, applied at creation).", AllowMultipleArgumentsPerToken = false };
        var apiServerPort = new Option<int?>("--apiserver-port") { Description = "Host port on 127.0.0.1 for the API server. Default: a free port, kept across restarts." };
        var wait = new Option<string[]>("--wait") { Description = "Components to wait for: apiserver,system_pods,... 'all' or 'none'. Default: apiserver,system_pods." };
        var waitTimeout = new Option<string>("--wait-timeout") { Description = "How long to wait for the cluster to be ready.", DefaultValueFactory = _ => "6m0s" };
        var baseImage = new Option<string?>("--base-image") { Description = "Node image to use instead of the built-in one (docker driver)." };
        var deleteOnFailure = new Option<bool>("--delete-on-failure") { Description = "Delete the cluster if start fails." };
        var keepContext = new Option<bool>("--keep-context") { Description = "Keep the current kubeconfig context instead of switching to this cluster." };
        var extraConfig = new Option<string[]>("--extra-config") { Description = "Component settings, component.key=value (repeatable)." };
        var etcdServers = new Option<string?>("--etcd-servers") { Description = "Use an external etcd v3 cluster (URL[,URL]) instead of the embedded store." };
        var containerRuntime = new Option<string?>("--container-runtime") { Description = "How pods run: docker (containers in the node's Docker Engine; the docker driver's default) or simulated (no processes; the process driver's default)." };

        var command = new Command("start", "Starts a local Kubernetes cluster")
        {
            driver, vmDriver, vm, hypervSwitch, cpus, memory, ports, apiServerPort, wait, waitTimeout, baseImage, deleteOnFailure, keepContext,
            extraConfig, etcdServers, containerRuntime,
        };
        command.SetAction(async (result, ct) =>
        {
            var totalMemory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
            var reporter = cli.Reporter(result);
            var request = new StartRequest
            {
                Profile = cli.Profile(result),
                Driver = ChooseDriver(result.GetValue(driver), result.GetValue(vmDriver), reporter),
                VmOnly = result.GetValue(vm),
                DriverOptions = result.GetValue(hypervSwitch) is { Length: > 0 } s ? new Dictionary<string, string> { ["hyperv-virtual-switch"] = s } : [],
                Cpus = result.GetValue(cpus) is { } c ? FlagParsers.ParseCpus(c) : null,
                MemoryMiB = result.GetValue(memory) is { } m ? FlagParsers.ParseMemoryMiB(m, totalMemory) : null,
                Ports = FlagParsers.ParsePorts(result.GetValue(ports) ?? []),
                ApiServerPort = FlagParsers.ParseApiServerPort(result.GetValue(apiServerPort)),
                Wait = FlagParsers.ParseWait(result.GetValue(wait) ?? []),
                WaitTimeout = FlagParsers.ParseDuration("--wait-timeout", result.GetValue(waitTimeout) ?? "6m0s"),
                BaseImage = result.GetValue(baseImage),
                DeleteOnFailure = result.GetValue(deleteOnFailure),
                KeepContext = result.GetValue(keepContext),
                ExtraConfig = FlagParsers.ParseExtraConfig(result.GetValue(extraConfig) ?? []),
                EtcdServers = (result.GetValue(etcdServers) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                ContainerRuntime = result.GetValue(containerRuntime) is { } runtime ? FlagParsers.ParseContainerRuntime(runtime) : null,
                DefaultMemoryMiB = FlagParsers.DefaultMemoryMiB(totalMemory),
            };
            try
            {
                await cli.Clusters.StartAsync(request, reporter, ct);
            }
            finally
            {
                // Saved on failure too: that is when it is needed. Never for a profile that was refused up front.
                if (ProfileName.IsValid(request.Profile))
                {
                    await cli.Get<StartLogProvider>().SaveAsync(cli.Get<LocalKubePaths>().LastStartLog(request.Profile), CancellationToken.None);
                }
            }

            return 0;
        });
        return command;
    }

    /// <summary>minikube's handling of the deprecated <c>--vm-driver</c>: <c>--driver</c> wins when both are given.</summary>
    public static string? ChooseDriver(string? driver, string? vmDriver, IStepReporter reporter)
    {
        if (string.IsNullOrWhiteSpace(vmDriver))
        {
            return driver;
        }

        if (!string.IsNullOrWhiteSpace(driver))
        {
            reporter.Warning($"Both driver={driver} and vm-driver={vmDriver} have been set.\n\n    Since vm-driver is deprecated, localkube will default to driver={driver}.");
            return driver;
        }

        reporter.Warning("--vm-driver is deprecated; use --driver instead.");
        return vmDriver;
    }
}
