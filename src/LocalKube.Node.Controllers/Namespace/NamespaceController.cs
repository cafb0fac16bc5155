using System.Globalization;
using k8s;
using k8s.Models;
using LocalKube.Node.Client.Cache;
using LocalKube.Node.Client.Clients;
using LocalKube.Node.Client.Controllers;
using LocalKube.Node.Client.Helpers;
using LocalKube.Node.Client.Informers;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.Controllers.Namespace;

/// <summary>
/// Upstream's namespace lifecycle controller (<c>namespace-controller</c>): for a namespace marked for deletion that
/// still carries the <c>kubernetes</c> finalizer, it discovers every namespaced resource the API serves (custom ones
/// too), deletes their objects in the namespace (deletecollection, else one by one), reports progress in the
/// namespace's status conditions, and once nothing is left removes its finalizer through <c>/finalize</c>, which
/// lets the API server remove the namespace. Objects held by finalizers keep it Terminating; it looks again after
/// a second (plus half the longest pod grace period), as upstream.
/// </summary>
public sealed partial class NamespaceController : ControllerService
{
    /// <summary>Upstream's name: the service account and event reporter.</summary>
    public const string ControllerName = "namespace-controller";

    /// <summary>The finalizer this controller owns.</summary>
    public const string KubernetesFinalizer = "kubernetes";

    private static readonly TimeSpan DiscoveryTtl = TimeSpan.FromSeconds(30);

    private readonly ILister<V1Namespace> _namespaces;
    private readonly DiscoveryClient _discovery;
    private readonly DynamicClient _dynamic;
    private IReadOnlyList<DiscoveredResource>? _resources;
    private DateTimeOffset _discoveredAt;

    /// <summary>Creates the controller.</summary>
    public NamespaceController(ControllerContext context)
        : base(context)
    {
        _namespaces = Watch<V1Namespace>().Lister;
        Context.Informers.GetInformer<V1Namespace>().AddEventHandler(new ResourceEventHandler<V1Namespace>(
            onAdd: (ns, _) => EnqueueIfDeleting(ns),
            onUpdate: (_, ns) => EnqueueIfDeleting(ns)));
        _discovery = new DiscoveryClient(context.Client);
        _dynamic = new DynamicClient(context.Client);
    }

    /// <inheritdoc />
    protected override async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        var ns = _namespaces.Get(null, key);
        if (ns?.Metadata.DeletionTimestamp is null || ns.Spec?.Finalizers?.Contains(KubernetesFinalizer) != true)
        {
            return ReconcileResult.Done;
        }

        IReadOnlyList<DiscoveredResource> resources;
        try
        {
            resources = await DiscoverAsync(cancellationToken);
        }
        catch (Exception e) when (e is KubeApiException or HttpRequestException)
        {
            await UpdateStatusAsync(ns, NamespaceConditions.For($"Discovery failed for some groups: {e.Message}", null, null, null, Now), cancellationToken);
            throw;
        }

        var errors = new List<string>();
        var remaining = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var finalizers = new SortedDictionary<string, int>(StringComparer.Ordinal);
        long longestGrace = 0;
        foreach (var discovered in resources.Where(r => r.Resource.Namespaced && r.Supports("list") && (r.Supports("delete") || r.Supports("deletecollection"))))
        {
            var resource = discovered.Resource;
            try
            {
                if (discovered.Supports("deletecollection"))
                {
                    await _dynamic.DeleteCollectionAsync(resource, key, "Background", cancellationToken);
                }

                var left = await _dynamic.ListMetadataAsync(resource, key, cancellationToken);
                foreach (var item in left.Where(i => i.DeletionTimestamp is null && !discovered.Supports("deletecollection")))
                {
                    await _dynamic.DeleteAsync(resource, key, item.Name, "Background", cancellationToken, item.Uid);
                }

                if (left.Count > 0)
                {
                    remaining[resource.Group.Length == 0 ? resource.Plural + "." : $"{resource.Plural}.{resource.Group}"] = left.Count;
                    foreach (var f in left.SelectMany(i => i.Finalizers ?? []))
                    {
                        finalizers[f] = finalizers.GetValueOrDefault(f) + 1;
                    }

                    if (resource.Group.Length == 0 && resource.Plural == "pods")
                    {
                        longestGrace = Math.Max(longestGrace, left.Max(i => i.DeletionGracePeriodSeconds ?? 0));
                    }
                }
            }
            catch (Exception e) when ((e is KubeApiException or HttpRequestException) && !KubeErrors.IsNotFound(e))
            {
                errors.Add($"{resource}: {e.Message}");
            }
        }

        var remainingText = remaining.Count == 0 ? null
            : "Some resources are remaining: " + string.Join(", ", remaining.Select(kv => $"{kv.Key} has {kv.Value.ToString(CultureInfo.InvariantCulture)} resource instances"));
        var finalizersText = finalizers.Count == 0 ? null
            : "Some content in the namespace has finalizers remaining: " + string.Join(", ", finalizers.Select(kv => $"{kv.Key} in {kv.Value.ToString(CultureInfo.InvariantCulture)} resource instances"));
        var errorText = errors.Count == 0 ? null : "Failed to delete all resource types, " + errors.Count.ToString(CultureInfo.InvariantCulture) + " remaining: " + string.Join(", ", errors);
        await UpdateStatusAsync(ns, NamespaceConditions.For(null, errorText, remainingText, finalizersText, Now), cancellationToken);

        if (errors.Count > 0)
        {
            throw new InvalidOperationException(errorText);
        }

        if (remaining.Count > 0)
        {
            Log.ContentRemaining(Logger, key, remainingText!);
            return ReconcileResult.RequeueAfter(TimeSpan.FromSeconds((longestGrace / 2) + 1));
        }

        await FinalizeAsync(key, cancellationToken);
        return ReconcileResult.Done;
    }

    private DateTime Now => Time.GetUtcNow().UtcDateTime;

    private void EnqueueIfDeleting(V1Namespace ns)
    {
        if (ns.Metadata.DeletionTimestamp is not null)
        {
            Enqueue(ns);
        }
    }

    private async Task<IReadOnlyList<DiscoveredResource>> DiscoverAsync(CancellationToken cancellationToken)
    {
        if (_resources is null || Time.GetUtcNow() - _discoveredAt > DiscoveryTtl)
        {
            _resources = await _discovery.ServerPreferredResourcesAsync(cancellationToken);
            _discoveredAt = Time.GetUtcNow();
        }

        return _resources;
    }

    // Conditions are written only when they say something new, so a lingering namespace is not rewritten each pass.
    private async Task UpdateStatusAsync(V1Namespace cached, List<V1NamespaceCondition> conditions, CancellationToken cancellationToken)
    {
        var ns = KubeJson.Clone(cached);
        ns.Status ??= new V1NamespaceStatus();
        ns.Status.Conditions ??= [];
        var changed = false;
        foreach (var condition in conditions)
        {
            changed |= Conditions.Set(ns.Status.Conditions, condition, Now);
        }

        if (!changed)
        {
            return;
        }

        try
        {
            await Client.CoreV1.ReplaceNamespaceStatusAsync(ns, ns.Metadata.Name, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (KubeErrors.IsNotFound(e))
        {
            // Gone meanwhile.
        }
    }

    private async Task FinalizeAsync(string name, CancellationToken cancellationToken)
    {
        // Read fresh: /finalize replaces spec.finalizers, so it must start from the current list.
        V1Namespace ns;
        try
        {
            ns = await Client.CoreV1.ReadNamespaceAsync(name, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (KubeErrors.IsNotFound(e))
        {
            return;
        }

        if (ns.Spec?.Finalizers?.Contains(KubernetesFinalizer) != true)
        {
            return;
        }

        ns.Spec.Finalizers = ns.Spec.Finalizers.Where(f => f != KubernetesFinalizer).ToList();
        try
        {
            await Client.CoreV1.ReplaceNamespaceFinalizeAsync(ns, name, cancellationToken: cancellationToken);
            Log.Finalized(Logger, name);
        }
        catch (Exception e) when (KubeErrors.IsNotFound(e))
        {
            // Already gone.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Namespace {Namespace} is empty; finalized")]
        public static partial void Finalized(ILogger logger, string @namespace);

        [LoggerMessage(2, LogLevel.Debug, "Namespace {Namespace} still has content: {Remaining}")]
        public static partial void ContentRemaining(ILogger logger, string @namespace, string remaining);
    }
}
