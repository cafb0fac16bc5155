using k8s;
using k8s.Models;
using LocalKube.Node.Client.Clients;
using LocalKube.Node.Hosting;

namespace LocalKube.Node.Kubelet.Registration;

/// <summary>
/// Registers this node as the kubelet does (<c>registerWithAPIServer</c>): create the Node; if a previous start
/// registered it, keep it and post a fresh status instead. Works through the kubelet's own client, so RBAC and
/// admission see <c>system:node:&lt;name&gt;</c>. A condition's <c>lastTransitionTime</c> changes only when its status does.
/// </summary>
public sealed class NodeRegistrar(Kubernetes client, NodeAgentOptions options, TimeProvider time)
{
    /// <summary>Creates or refreshes the Node; returns it as stored.</summary>
    public Task<V1Node> RegisterAsync(CancellationToken cancellationToken) => RegisterAsync(null, null, cancellationToken);

    /// <summary>Creates (with <paramref name="podCidr"/>) or refreshes the Node with <paramref name="facts"/>; returns it as stored.</summary>
    public async Task<V1Node> RegisterAsync(NodeFacts? facts, string? podCidr, CancellationToken cancellationToken)
    {
        var node = NodeDescription.Node(options, time.GetUtcNow().UtcDateTime, facts, podCidr);
        try
        {
            return await client.CoreV1.CreateNodeAsync(node, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (KubeErrors.IsAlreadyExists(e))
        {
            return await UpdateStatusAsync(facts, cancellationToken);
        }
    }

    /// <summary>Posts a fresh status (heartbeats, capacity, addresses) to the existing Node, retrying conflicts.</summary>
    public Task<V1Node> UpdateStatusAsync(CancellationToken cancellationToken) => UpdateStatusAsync(null, cancellationToken);

    /// <summary>Posts a fresh status with <paramref name="facts"/>, retrying conflicts.</summary>
    public async Task<V1Node> UpdateStatusAsync(NodeFacts? facts, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var existing = await client.CoreV1.ReadNodeAsync(options.NodeName, cancellationToken: cancellationToken);
            var status = NodeDescription.Status(options, time.GetUtcNow().UtcDateTime, facts);
            foreach (var condition in status.Conditions)
            {
                var before = existing.Status?.Conditions?.FirstOrDefault(c => c.Type == condition.Type);
                if (before is not null && before.Status == condition.Status && before.LastTransitionTime is not null)
                {
                    condition.LastTransitionTime = before.LastTransitionTime;
                }
            }

            existing.Status = status;
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

    /// <summary>The status <see cref="UpdateStatusAsync(NodeFacts?, CancellationToken)"/> would post, without heartbeat times (to tell whether anything changed).</summary>
    public string Fingerprint(NodeFacts? facts)
    {
        var status = NodeDescription.Status(options, DateTime.UnixEpoch, facts);
        return KubernetesJson.Serialize(status);
    }
}
