namespace LocalKube.Core.Cluster;

/// <summary>Defaults that more than one command needs.</summary>
public static class ClusterDefaults
{
    /// <summary>The Kubernetes version the API server reports (minor 32: the kubectl dispatcher picks its version from it).</summary>
    public const string KubernetesVersion = "v1.32.4";

    /// <summary>CPUs for a new node (minikube's default).</summary>
    public const int Cpus = 2;

    /// <summary>Pods run as containers in the node's own Docker Engine.</summary>
    public const string DockerRuntime = "docker";

    /// <summary>Pods are simulated (KWOK-style): they reach Running with no process.</summary>
    public const string SimulatedRuntime = "simulated";

    /// <summary>The values of <c>--container-runtime</c>.</summary>
    public static readonly IReadOnlyList<string> ContainerRuntimes = [DockerRuntime, SimulatedRuntime];

    /// <summary>How long a graceful stop may take before the node is killed.</summary>
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(45);
}
