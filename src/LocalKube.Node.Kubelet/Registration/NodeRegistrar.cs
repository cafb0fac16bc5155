using k8s;
using k8s.Models;
using LocalKube.Node.Client.Clients;
using LocalKube.Node.Hosting;

namespace LocalKube.Node.Kubelet.Registration;

/// <summary>
/// Registers this node as the kubelet does (<c>registerWithAPIServer</c>): create the Node; if a previous start
/// registered it, keep it and post a fresh status instead. Works through the kubelet's own client, so RBAC and
/// admission see <c>system:node:&lt;name&gt;</c>.
/// </summary>
public sealed class NodeRegistrar(Kubernetes client, NodeAgentOptions options, TimeProvider time)
{
    /// <summary>Creates or refreshes the Node; returns it as stored.</summary>
    public async Task<V1Node> RegisterAsync(CancellationToken cancellationToken)
    {
        var node = NodeDescription.Node(options, time.GetUtcNow().UtcDateTime);
        try
        {
            return await client.CoreV1.CreateNodeAsync(node, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (KubeErrors.IsAlreadyExists(e))
        {
            return await UpdateStatusAsync(cancellationToken);
        }
    }

    /// <summary>Posts a fresh status (heartbeats, capacity, addresses) to the existing Node, retrying conflicts.</summary>
    public async Task<V1Node> UpdateStatusAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var existing = await client.CoreV1.ReadNodeAsync(options.NodeName, cancellationToken: cancellationToken);
            existing.Status = NodeDescription.Status(options, time.GetUtcNow().UtcDateTime);
            try
            {
                return await client.CoreV1.ReplaceNodeStatusAsync(existing, options.NodeName, cancellationToken: cancellationToken);
            }
            catch (Exception e) when (KubeErrors.IsConflict(e) && attempt < 5)
            {
                // Changed meanwhile (e.g. a label by kubectl): read again.
            }
        }
    }
}
