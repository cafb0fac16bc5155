using k8s;
using k8s.Models;
using LocalKube.Node.ApiServer.Rest;

namespace LocalKube.Node.ApiServer.Authorization;

/// <summary>
/// The API server's own list-and-watch of one resource through the REST store (its caches of RBAC objects and of the
/// node graph read no HTTP): the initial list is handed over whole, then every change one by one. Whatever breaks the
/// watch (410, a storage outage, an external etcd going away) is logged and the resource relisted after a capped
/// backoff, until cancelled: the caller's component rides out the outage instead of failing the agent.
/// </summary>
internal static class StoreReflector
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(8);

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="store">The REST store.</param>
    /// <param name="resource">The resource to mirror.</param>
    /// <param name="replace">Receives the full list after each (re)list.</param>
    /// <param name="apply">Receives each later change (true: deleted).</param>
    /// <param name="failed">Told why a watch broke, before the retry.</param>
    /// <param name="time">The agent's clock.</param>
    /// <param name="cancellationToken">Stops the loop.</param>
    public static async Task RunAsync(
        ResourceStore store,
        RestResource resource,
        Action<IReadOnlyList<IKubernetesObject<V1ObjectMeta>>> replace,
        Action<IKubernetesObject<V1ObjectMeta>, bool> apply,
        Action<Exception> failed,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var retry = FirstRetry;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                List<IKubernetesObject<V1ObjectMeta>>? initial = [];
                await foreach (var evt in store.WatchAsync(resource, null, new ListOptions(), false, cancellationToken))
                {
                    switch (evt.Type)
                    {
                        case "SYNC":
                            replace(initial!);
                            initial = null;
                            retry = FirstRetry;
                            break;
                        case "ADDED" or "MODIFIED" when evt.Object is { } o:
                            if (initial is not null)
                            {
                                initial.Add(o.Object);
                            }
                            else
                            {
                                apply(o.Object, false);
                            }

                            break;
                        case "DELETED" when evt.Object is { } o && initial is null:
                            apply(o.Object, true);
                            break;
                        case "ERROR":
                            throw (Exception?)evt.Error ?? new InvalidOperationException("watch failed");
                    }
                }

                // The stream ended without an error (the store closed it): relist after the shortest wait.
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                failed(e);
            }

            await Task.Delay(retry, time, cancellationToken);
            retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, MaxRetry.Ticks));
        }
    }
}
