using k8s.Models;
using LocalKube.Node.ApiServer.Rest;
using LocalKube.Node.Hosting;
using Microsoft.Extensions.Options;

namespace LocalKube.Node.ApiServer.Bootstrap;

/// <summary>
/// kubeadm's mark-control-plane phase: once this agent's kubelet has registered its Node, the Node gets the
/// <c>node-role.kubernetes.io/control-plane</c> label (so <c>kubectl get nodes</c> shows the role). The kubelet cannot
/// set it itself: NodeRestriction keeps kubelets off <c>kubernetes.io</c> labels outside their own set. Runs only when
/// this agent runs a kubelet; waits for the Node with a growing interval and labels it once per start.
/// </summary>
public sealed class ControlPlaneLabel(ResourceStore store, IOptions<NodeAgentOptions> agentOptions, IEnumerable<NodeComponentRegistration> components, TimeProvider time)
{
    /// <summary>The role label.</summary>
    public const string Key = "node-role.kubernetes.io/control-plane";

    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(1);

    /// <summary>Labels the Node once it exists; returns at once when no kubelet runs here.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var name = agentOptions.Value.NodeName;
        if (!components.Any(c => c.Component == NodeComponent.Kubelet) || store.Resources.FindKind("", "Node") is not { } nodes || string.IsNullOrEmpty(name))
        {
            return;
        }

        var wait = TimeSpan.FromMilliseconds(250);
        while (true)
        {
            try
            {
                var stored = await store.TryGetAsync(nodes, null, name, cancellationToken);
                if (stored is not null)
                {
                    if (stored.Object.Metadata.Labels?.ContainsKey(Key) != true)
                    {
                        await store.UpdateAsync(nodes, null, name, fresh =>
                        {
                            var node = fresh.Object;
                            node.Metadata.Labels ??= new Dictionary<string, string>();
                            node.Metadata.Labels[Key] = "";
                            return node;
                        }, UpdateScope.Main, dryRun: false, cancellationToken);
                    }

                    return;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Storage unavailable (an external etcd away) or the Node deleted meanwhile: try again, never fail the agent.
            }

            await Task.Delay(wait, time, cancellationToken);
            wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, MaxWait.Ticks));
        }
    }
}
