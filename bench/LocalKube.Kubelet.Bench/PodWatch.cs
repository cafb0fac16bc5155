using System.Collections.Concurrent;
using System.Diagnostics;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace LocalKube.Kubelet.Bench;

/// <summary>
/// One watch on a namespace's pods that stamps, on the bench's monotonic clock, the moment each pod is first seen in
/// the wanted state: the watch is open before the first create, so a stamp is when the client could have known.
/// </summary>
internal sealed class PodWatch : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<long>> _reached = new();
    private readonly Func<V1Pod, bool> _done;
    private readonly CancellationTokenSource _stop;
    private readonly Task _loop;

    private PodWatch(HttpOperationResponse<V1PodList> response, Func<V1Pod, bool> done, CancellationTokenSource stop)
    {
        _done = done;
        _stop = stop;
        _loop = FollowAsync(response, stop.Token);
    }

    private static V1Pod Sentinel => new()
    {
        Metadata = new V1ObjectMeta { Name = "watch-sentinel" },
        Spec = new V1PodSpec
        {
            SchedulerName = "no-scheduler",
            AutomountServiceAccountToken = false,
            Containers = [new V1Container { Name = "none", Image = "none" }],
        },
    };

    public static bool IsReady(V1Pod pod) => pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    public static bool IsRunning(V1Pod pod) => pod.Status?.Phase == "Running";

    /// <summary>Opens the watch (returns once the API server has answered it) and follows it until disposed.</summary>
    public static async Task<PodWatch> StartAsync(IKubernetes client, string ns, Func<V1Pod, bool> done, CancellationToken cancellationToken)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // The client's answer waits for the stream's first event: an unbound pod that no scheduler takes gives one at
        // once, and it goes away at once when the namespace's pods are deleted (nothing runs it).
        try
        {
            await client.CoreV1.CreateNamespacedPodAsync(Sentinel, ns, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            // Still there from the last watch.
        }

        var response = await client.CoreV1.ListNamespacedPodWithHttpMessagesAsync(ns, watch: true, cancellationToken: stop.Token);
        return new PodWatch(response, done, stop);
    }

    /// <summary>The monotonic timestamp at which <paramref name="name"/> was first seen done.</summary>
    public async Task<long> ReachedAsync(string name, TimeSpan timeout, CancellationToken cancellationToken) =>
        await Slot(name).Task.WaitAsync(timeout, cancellationToken);

    /// <summary>How many pods were seen done so far.</summary>
    public int Count => _reached.Values.Count(t => t.Task.IsCompletedSuccessfully);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException)
        {
            // The watch ends by cancellation: the stream's end is all that can happen here.
        }

        _stop.Dispose();
    }

    private async Task FollowAsync(HttpOperationResponse<V1PodList> response, CancellationToken cancellationToken)
    {
        // The obsolete overload is the one that takes an answered response: the newer WatchList* methods send the
        // request lazily, so they cannot say when the watch is open.
#pragma warning disable CS0618
        var events = Task.FromResult(response).WatchAsync<V1Pod, V1PodList>(cancellationToken: cancellationToken);
#pragma warning restore CS0618
        await foreach (var (type, pod) in events)
        {
            if (type is WatchEventType.Added or WatchEventType.Modified && _done(pod))
            {
                Slot(pod.Metadata.Name).TrySetResult(Stopwatch.GetTimestamp());
            }
        }
    }

    private TaskCompletionSource<long> Slot(string name) =>
        _reached.GetOrAdd(name, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));
}
