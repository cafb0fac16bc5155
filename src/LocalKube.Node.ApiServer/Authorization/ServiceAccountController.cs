using k8s.Models;
using LocalKube.Node.ApiServer.Rest;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.ApiServer.Authorization;

/// <summary>
/// Upstream's service-account controller, small: every active namespace has a <c>default</c> ServiceAccount from
/// the moment it appears, and gets it back if it is deleted.
/// </summary>
public sealed partial class ServiceAccountController(ResourceStore store, ILogger<ServiceAccountController> logger, TimeProvider time)
{
    /// <summary>The account every namespace gets.</summary>
    public const string DefaultName = "default";

    /// <summary>Runs until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (store.Resources.Namespaces is not { } namespaces || store.Resources.FindKind("", "ServiceAccount") is not { } accounts)
        {
            return;
        }

        await Task.WhenAll(
            WatchAsync(namespaces, evt => evt.Type is "ADDED" or "MODIFIED" ? evt.Object!.Object.Metadata.Name : null, accounts, cancellationToken),
            WatchAsync(accounts, evt => evt.Type == "DELETED" && evt.Object!.Object.Metadata.Name == DefaultName ? evt.Object.Object.Metadata.NamespaceProperty : null, accounts, cancellationToken));
    }

    private async Task WatchAsync(RestResource resource, Func<WatchEvent, string?> namespaceOf, RestResource accounts, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var evt in store.WatchAsync(resource, null, new ListOptions(), false, cancellationToken))
                {
                    if (evt.Type == "ERROR")
                    {
                        throw (Exception?)evt.Error ?? new InvalidOperationException("watch failed");
                    }

                    if (evt.Object is not null && namespaceOf(evt) is { } ns)
                    {
                        await EnsureAsync(accounts, ns, cancellationToken);
                    }
                }
            }
            catch (Exception e) when (e is StatusException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
            {
                Log.WatchFailed(logger, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken);
            }
        }
    }

    private async Task EnsureAsync(RestResource accounts, string ns, CancellationToken cancellationToken)
    {
        if (store.Resources.Namespaces is { } namespaces
            && await store.TryGetAsync(namespaces, null, ns, cancellationToken) is { } nsObj
            && (nsObj.Object.Metadata.DeletionTimestamp is not null || ((V1Namespace)nsObj.Object).Status?.Phase == "Terminating"))
        {
            return;
        }

        if (await store.TryGetAsync(accounts, ns, DefaultName, cancellationToken) is not null)
        {
            return;
        }

        try
        {
            await store.CreateAsync(accounts, new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = DefaultName, NamespaceProperty = ns } }, dryRun: false, cancellationToken);
        }
        catch (StatusException e) when (e.Code is 403 or 404 or 409)
        {
            // The namespace is terminating or gone, or the account appeared meanwhile.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Service account controller watch failed, retrying: {Message}")]
        public static partial void WatchFailed(ILogger logger, string message);
    }
}
