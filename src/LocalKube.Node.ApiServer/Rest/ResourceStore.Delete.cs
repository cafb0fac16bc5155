using System.Globalization;
using k8s;
using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Validation;
using LocalKube.Node.ApiServer.Resources;
using LocalKube.Node.Storage.Protocol;

namespace LocalKube.Node.ApiServer.Rest;

/// <summary>The outcome of a delete.</summary>
/// <param name="Object">The object: its last state when removed, or its marked state when it lingers.</param>
/// <param name="Removed">True when the object is gone; false when it was only marked (finalizers, grace period).</param>
public sealed record DeleteResult(IKubernetesObject<V1ObjectMeta> Object, bool Removed);

public sealed partial class ResourceStore
{
    /// <summary>Standard finalizer of orphaning deletes.</summary>
    public const string OrphanFinalizer = "orphan";

    /// <summary>Standard finalizer of foreground deletes.</summary>
    public const string ForegroundFinalizer = "foregroundDeletion";

    /// <summary>
    /// Deletes one object as upstream: preconditions (uid, resourceVersion), propagation policy finalizers, graceful
    /// deletion, and kind-specific blockers; an object that must wait is only marked with a deletionTimestamp.
    /// </summary>
    public async Task<DeleteResult> DeleteAsync(RestResource resource, string? ns, string name, V1DeleteOptions? options, bool dryRun, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        options ??= new V1DeleteOptions();
        while (true)
        {
            var current = await GetAsync(resource, ns, name, cancellationToken);
            var obj = current.Object;
            var meta = obj.Metadata;
            CheckPreconditions(resource, meta, options.Preconditions);
            Admission.NodeRestrictionAdmission.CheckDelete(resource, obj);

            var policy = options.PropagationPolicy ?? (options.OrphanDependents == true ? "Orphan" : null);
            if (policy is not (null or "Orphan" or "Background" or "Foreground"))
            {
                throw StatusException.Invalid(resource.Group, resource.Kind, name,
                    [StatusCauses.NotSupported("propagationPolicy", policy, ["Foreground", "Background", "Orphan"])]);
            }

            var finalizers = meta.Finalizers?.ToList() ?? [];
            var changed = false;
            if (policy == "Orphan" && !finalizers.Contains(OrphanFinalizer))
            {
                finalizers.Add(OrphanFinalizer);
                finalizers.Remove(ForegroundFinalizer);
                changed = true;
            }
            else if (policy == "Foreground" && !finalizers.Contains(ForegroundFinalizer))
            {
                finalizers.Add(ForegroundFinalizer);
                finalizers.Remove(OrphanFinalizer);
                changed = true;
            }

            var grace = resource.Strategy is IDeletionStrategy graceful ? graceful.GracePeriodSeconds(obj, options.GracePeriodSeconds) : 0;
            var blocked = resource.Strategy is IDeletionStrategy deletion && deletion.PrepareForDeletion(obj);
            if (meta.DeletionTimestamp is null || grace > 0 || changed || blocked || finalizers.Count > 0)
            {
                if (finalizers.Count > 0 || grace > 0 || blocked)
                {
                    // Only marked: set deletionTimestamp once (a later delete may shorten a grace period).
                    var now = Now();
                    if (meta.DeletionTimestamp is null || (grace > 0 && now.AddSeconds(grace) < meta.DeletionTimestamp))
                    {
                        meta.DeletionTimestamp = now.AddSeconds(grace);
                        meta.DeletionGracePeriodSeconds = grace;
                    }

                    meta.Finalizers = finalizers.Count > 0 ? finalizers : null;
                    if (dryRun)
                    {
                        return new DeleteResult(obj, false);
                    }

                    var bytes = Encode(resource, obj);
                    if (bytes.AsSpan().SequenceEqual(current.Stored.Span))
                    {
                        return new DeleteResult(obj, false);
                    }

                    var revision = await CompareAndPutAsync(resource.Key(ns, name), current.ModRevision, bytes, cancellationToken);
                    if (revision > 0)
                    {
                        meta.ResourceVersion = revision.ToString(CultureInfo.InvariantCulture);
                        return new DeleteResult(obj, false);
                    }

                    continue;
                }
            }

            var removed = await RemoveAsync(resource, ns, name, current, dryRun, cancellationToken);
            if (removed is not null)
            {
                return new DeleteResult(removed, true);
            }
        }
    }

    /// <summary>Deletes <paramref name="current"/> if unchanged since read; null when it changed meanwhile.</summary>
    private async Task<IKubernetesObject<V1ObjectMeta>?> RemoveAsync(
        RestResource resource, string? ns, string name, StoredObject current, bool dryRun, CancellationToken cancellationToken)
    {
        var obj = current.Object;
        if (dryRun)
        {
            return obj;
        }

        var key = Bytes(resource.Key(ns, name));
        var txn = new TxnRequest();
        txn.Compare.Add(new Compare { Key = key, Target = Compare.Types.CompareTarget.Mod, Result = Compare.Types.CompareResult.Equal, ModRevision = current.ModRevision });
        txn.Success.Add(new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = key } });
        var response = await Call(() => Store.TxnAsync(txn, cancellationToken));
        NamespaceWritten(resource.Key(ns, name));
        if (!response.Succeeded)
        {
            return null;
        }

        // Upstream reports a deleted object at the revision of its deletion.
        obj.Metadata.ResourceVersion = response.Header.Revision.ToString(CultureInfo.InvariantCulture);
        return obj;
    }

    private static void CheckPreconditions(RestResource resource, V1ObjectMeta meta, V1Preconditions? preconditions)
    {
        if (preconditions is null)
        {
            return;
        }

        if (!string.IsNullOrEmpty(preconditions.Uid) && preconditions.Uid != meta.Uid)
        {
            throw StatusException.Conflict(resource.Group, resource.Plural, meta.Name,
                $"Precondition failed: UID in precondition: {preconditions.Uid}, UID in object meta: {meta.Uid}");
        }

        if (!string.IsNullOrEmpty(preconditions.ResourceVersion) && preconditions.ResourceVersion != meta.ResourceVersion)
        {
            throw StatusException.Conflict(resource.Group, resource.Plural, meta.Name,
                $"Precondition failed: ResourceVersion in precondition: {preconditions.ResourceVersion}, ResourceVersion in object meta: {meta.ResourceVersion}");
        }
    }
}
