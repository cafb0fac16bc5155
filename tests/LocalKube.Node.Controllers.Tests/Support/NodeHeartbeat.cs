using k8s;
using k8s.Models;

namespace LocalKube.Node.Controllers.Tests.Support;

/// <summary>
/// What a live kubelet does for its node that the node lifecycle controller watches: posts Ready=True once and
/// renews the node's Lease every few seconds (as <c>system:node:&lt;node&gt;</c>), until disposed (a stopped kubelet).
/// </summary>
internal sealed class NodeHeartbeat : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private NodeHeartbeat(Kubernetes kubelet, string node, TimeSpan period) => _loop = RenewAsync(kubelet, node, period, _stop.Token);

    public static async Task<NodeHeartbeat> StartAsync(Kubernetes kubelet, string node, TimeSpan? period = null)
    {
        var current = await kubelet.CoreV1.ReadNodeAsync(node);
        current.Status ??= new V1NodeStatus();
        var now = DateTime.UtcNow;
        current.Status.Conditions = [new V1NodeCondition { Type = "Ready", Status = "True", Reason = "KubeletReady", Message = "kubelet is posting ready status", LastHeartbeatTime = now, LastTransitionTime = now }];
        await kubelet.CoreV1.ReplaceNodeStatusAsync(current, node);
        await kubelet.CoordinationV1.CreateNamespacedLeaseAsync(
            new V1Lease
            {
                Metadata = new V1ObjectMeta { Name = node },
                Spec = new V1LeaseSpec { HolderIdentity = node, LeaseDurationSeconds = 40, RenewTime = now },
            },
            "kube-node-lease");
        return new NodeHeartbeat(kubelet, node, period ?? TimeSpan.FromSeconds(5));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private static async Task RenewAsync(Kubernetes kubelet, string node, TimeSpan period, CancellationToken ct)
    {
        while (true)
        {
            await Task.Delay(period, ct);
            try
            {
                var lease = await kubelet.CoordinationV1.ReadNamespacedLeaseAsync(node, "kube-node-lease", cancellationToken: ct);
                lease.Spec.RenewTime = DateTime.UtcNow;
                await kubelet.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, node, "kube-node-lease", cancellationToken: ct);
            }
            catch (k8s.Autorest.HttpOperationException)
            {
                // A conflict or a restart of the agent: the next period tries again.
            }
            catch (HttpRequestException)
            {
                // The agent is restarting.
            }
        }
    }
}
