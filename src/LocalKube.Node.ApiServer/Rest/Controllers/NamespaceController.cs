using System.Threading.Channels;
using k8s.Models;
using LocalKube.Node.ApiServer.Rest.Core;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.ApiServer.Rest.Controllers;

/// <summary>
/// Upstream's namespace lifecycle controller, small: for each namespace marked for deletion it deletes every
/// namespaced object in it, and once nothing is left removes the <c>kubernetes</c> finalizer through
/// <c>/finalize</c>, which lets the machinery remove the namespace. Objects held by finalizers keep it Terminating;
/// it retries until they are gone.
/// </summary>
public sealed partial class NamespaceController(ResourceStore store, ILogger<NamespaceController> logger, TimeProvider time)
{
    /// <summary>How often terminating namespaces are looked at again while content lingers.</summary>
    public static TimeSpan Resync { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Runs until cancelled: a watch on namespaces wakes the worker; a resync retries lingering ones.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (store.Resources.Namespaces is not { } namespaces)
        {
            return;
        }

        var wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        await Task.WhenAll(WatchAsync(namespaces, wake.Writer, cancellationToken), WorkAsync(namespaces, wake.Reader, cancellationToken));
    }

    private async Task WatchAsync(RestResource namespaces, ChannelWriter<bool> wake, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var evt in store.WatchAsync(namespaces, null, new ListOptions(), false, cancellationToken))
                {
                    if (evt.Object?.Object.Metadata.DeletionTimestamp is not null)
                    {
                        wake.TryWrite(true);
                    }
                }
            }
            catch (Exception e) when (e is StatusException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
            {
                Log.WatchFailed(logger, e.Message);
                await Task.Delay(Resync, time, cancellationToken);
            }
        }
    }

    private async Task WorkAsync(RestResource namespaces, ChannelReader<bool> wake, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var lingering = false;
            try
            {
                var list = await store.ListAsync(namespaces, null, new ListOptions(), cancellationToken);
                foreach (var item in list.Items.Where(i => i.Object.Metadata.DeletionTimestamp is not null))
                {
                    lingering |= !await FinalizeAsync(namespaces, (V1Namespace)item.Object, cancellationToken);
                }
            }
            catch (StatusException e)
            {
                Log.SyncFailed(logger, e.Message);
                lingering = true;
            }

            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(lingering ? Resync : Resync * 15);
            try
            {
                await wake.ReadAsync(wait.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Resync time.
            }
        }
    }

    // Deletes the namespace's content; true when it was empty and got finalized.
    private async Task<bool> FinalizeAsync(RestResource namespaces, V1Namespace ns, CancellationToken cancellationToken)
    {
        var name = ns.Metadata.Name;
        if (ns.Spec?.Finalizers?.Contains(NamespaceStrategy.KubernetesFinalizer) != true)
        {
            return true;
        }

        var remaining = 0;
        foreach (var resource in store.Resources.All.Where(r => r.Namespaced))
        {
            var items = await store.ListAsync(resource, name, new ListOptions(), cancellationToken);
            foreach (var item in items.Items)
            {
                remaining++;
                if (item.Object.Metadata.DeletionTimestamp is not null)
                {
                    continue;
                }

                try
                {
                    await store.DeleteAsync(resource, name, item.Object.Metadata.Name, new V1DeleteOptions { PropagationPolicy = "Background" }, false, cancellationToken);
                }
                catch (StatusException e) when (e.Code is 404 or 409)
                {
                    // Gone or changed meanwhile; the next pass sees it.
                }
            }
        }

        if (remaining > 0)
        {
            // Check again: deleted objects without finalizers are gone now.
            foreach (var resource in store.Resources.All.Where(r => r.Namespaced))
            {
                if ((await store.ListAsync(resource, name, new ListOptions { Limit = 1 }, cancellationToken)).Items.Count > 0)
                {
                    return false;
                }
            }
        }

        try
        {
            await store.UpdateAsync(namespaces, null, name, current =>
            {
                var updated = (V1Namespace)current.Object;
                updated.Spec!.Finalizers = updated.Spec.Finalizers!.Where(f => f != NamespaceStrategy.KubernetesFinalizer).ToList();
                return updated;
            }, UpdateScope.Finalize, dryRun: false, cancellationToken);
            Log.Finalized(logger, name);
        }
        catch (StatusException e) when (e.Code == 404)
        {
            // Already gone.
        }

        return true;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Namespace {Namespace} is empty; finalized")]
        public static partial void Finalized(ILogger logger, string @namespace);

        [LoggerMessage(2, LogLevel.Warning, "Namespace watch failed, retrying: {Message}")]
        public static partial void WatchFailed(ILogger logger, string message);

        [LoggerMessage(3, LogLevel.Warning, "Namespace sync failed, retrying: {Message}")]
        public static partial void SyncFailed(ILogger logger, string message);
    }
}
