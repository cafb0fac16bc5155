using LocalKube.Node.Hosting;
using LocalKube.Node.Kubelet.Runtime.Docker;
using LocalKube.Node.Kubelet.Runtime.Simulated;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.Kubelet.Runtime;

/// <summary>Makes the runtime <c>--container-runtime</c> names: the node's Docker Engine, or the simulated one.</summary>
public static class ContainerRuntimeFactory
{
    /// <summary>The runtime for these agent options and settings.</summary>
    public static IContainerRuntime Create(NodeAgentOptions agent, NodeSettings settings, TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(loggers);
        return agent.ContainerRuntime == "simulated"
            ? new SimulatedRuntime(time, KubeletSettings.Docker(settings).PodCidr)
            : new DockerRuntime(KubeletSettings.Docker(settings), loggers.CreateLogger<DockerRuntime>());
    }
}
