using k8s;
using LocalKube.Abstractions.Drivers;
using LocalKube.Abstractions.Errors;
using LocalKube.Core.Kubeconfig;
using LocalKube.Core.Services;

namespace LocalKube.Core.Cluster;

public sealed partial class ClusterManager
{
    /// <summary>
    /// What <c>service</c> and <c>tunnel</c> need of a running cluster: a client of its API server (the profile's
    /// kubeconfig context) and a way to open connections inside its node. Refused for drivers whose node shares the
    /// host's network (no service proxy runs there).
    /// </summary>
    public async Task<ServiceAccess> ServiceAccessAsync(string profile, CancellationToken cancellationToken)
    {
        var (driver, machine) = await RunningMachineAsync(profile, cancellationToken);
        if (!driver.Descriptor.Has(DriverCapabilities.ContainerEngine))
        {
            throw new LocalKubeException(Reasons.ServiceUnavailable,
                $"The {driver.Descriptor.Name} driver runs no service proxy: its pods are simulated, so services of \"{profile}\" cannot be reached from the host.");
        }

        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(KubeconfigLocator.Resolve(), currentContext: profile);
        var client = new Kubernetes(config);
        return new ServiceAccess(client, (target, ct) => driver.ConnectInNodeAsync(machine, target.NodeHost, target.NodePort, ct));
    }
}
