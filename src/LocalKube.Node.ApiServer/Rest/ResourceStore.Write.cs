using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using LocalKube.Node.ApiServer.Resources;
using LocalKube.Node.Storage.Protocol;

namespace LocalKube.Node.ApiServer.Rest;

/// <summary>Which part of an object an update may change.</summary>
public enum UpdateScope
{
    /// <summary>The main resource: everything but status (for kinds with a status subresource) and system metadata.</summary>
    Main,

    /// <summary>The <c>/status</c> subresource: only <c>status</c>.</summary>
    Status,

    /// <summary>A namespace's <c>/finalize</c>: only <c>spec.finalizers</c>.</summary>
    Finalize,

    /// <summary>A pod's <c>/ephemeralcontainers</c>: only <c>spec.ephemeralContainers</c> (kubectl debug).</summary>
    EphemeralContainers,
}

public sealed partial class ResourceStore
{
    private const string GenerateNameAlphabet = "bcdfghjklmnpqrstvwxz2456789";
    private const int GenerateNameAttempts = 8;

    /// <summary>
    /// Creates <paramref name="obj"/> (namespace already set for namespaced kinds): system metadata, generateName,
    /// defaulting, validation, admission, then a create-if-absent transaction.
    /// </summary>
    /// <exception cref="StatusException">400, 403, 404, 409, 413 or 422 as upstream.</exception>
    public async Task<IKubernetesObject<V1ObjectMeta>> CreateAsync(
        RestResource resource, IKubernetesObject<V1ObjectMeta> obj, bool dryRun, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(obj);
        var meta = obj.Metadata ??= new V1ObjectMeta();
        obj.ApiVersion = resource.ApiVersion;
        obj.Kind = resource.Kind;
        if (!string.IsNullOrEmpty(meta.ResourceVersion))
        {
            throw StatusException.Internal("resourceVersion should not be set on objects to be created");
        }

        var ns = resource.Namespaced ? meta.NamespaceProperty : null;
        if (resource.Namespaced)
        {
            await EnsureNamespaceOpenAsync(resource, ns!, meta.Name ?? meta.GenerateName ?? "", cancellationToken);
        }

        var generated = string.IsNullOrEmpty(meta.Name) && !string.IsNullOrEmpty(meta.GenerateName);
        meta.Uid = Guid.NewGuid().ToString();
        meta.CreationTimestamp = Now();
        meta.DeletionTimestamp = null;
        meta.DeletionGracePeriodSeconds = null;
        if (resource.Strategy.HasGeneration)
        {
            meta.Generation = 1;
        }

        for (var attempt = 0; ; attempt++)
        {
            if (generated)
            {
                meta.Name = meta.GenerateName + RandomSuffix();
            }

            resource.Strategy.Default(obj);
            var causes = resource.Strategy.ValidateCreate(obj);
            if (causes.Count > 0)
            {
                throw StatusException.Invalid(resource.Group, resource.Kind, meta.Name ?? "", causes);
            }

            using (await LockAsync(resource, cancellationToken))
            {
                foreach (var hook in resource.Hooks)
                {
                    await hook.AdmitAsync(new AdmissionRequest(resource, this, obj, null, dryRun), cancellationToken);
                }

                var bytes = Encode(resource, obj);
                var key = Bytes(resource.Key(ns, meta.Name!));
                if (dryRun)
                {
                    var existing = await Call(() => Store.RangeAsync(new RangeRequest { Key = key, CountOnly = true }, cancellationToken));
                    if (existing.Count == 0)
                    {
                        return obj;
                    }
                }
                else
                {
                    var txn = new TxnRequest();
                    txn.Compare.Add(new Compare { Key = key, Target = Compare.Types.CompareTarget.Create, Result = Compare.Types.CompareResult.Equal, CreateRevision = 0 });
                    txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = key, Value = Google.Protobuf.ByteString.CopyFrom(bytes) } });
                    var response = await Call(() => Store.TxnAsync(txn, cancellationToken));
                    if (response.Succeeded)
                    {
                        meta.ResourceVersion = response.Header.Revision.ToString(CultureInfo.InvariantCulture);
                        return obj;
                    }
                }
            }

            if (!generated || attempt + 1 >= GenerateNameAttempts)
            {
                throw StatusException.AlreadyExists(resource.Group, resource.Plural, meta.Name!);
            }
        }
    }

    /// <summary>
    /// Updates one object: <paramref name="mutate"/> turns the current object into the desired one (and throws a 409
    /// when its precondition, e.g. a resourceVersion, does not hold). Unconditional updates retry on a concurrent
    /// write. An object being deleted whose finalizers are all gone is removed instead.
    /// </summary>
    public async Task<IKubernetesObject<V1ObjectMeta>> UpdateAsync(
        RestResource resource,
        string? ns,
        string name,
        Func<StoredObject, IKubernetesObject<V1ObjectMeta>> mutate,
        UpdateScope scope,
        bool dryRun,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(mutate);
        while (true)
        {
            var current = await GetAsync(resource, ns, name, cancellationToken);
            var desired = mutate(current);
            var updated = Merge(resource, current, desired, scope);
            var old = current.Object;
            var meta = updated.Metadata;
            if (meta.Name != name || (resource.Namespaced && meta.NamespaceProperty != ns))
            {
                throw StatusException.BadRequest(meta.Name != name
                    ? $"the name of the object ({meta.Name}) does not match the name on the URL ({name})"
                    : "the namespace of the provided object does not match the namespace sent on the request");
            }

            resource.Strategy.Default(updated);
            var causes = resource.Strategy.ValidateUpdate(updated, old);
            if (causes.Count > 0)
            {
                throw StatusException.Invalid(resource.Group, resource.Kind, name, causes);
            }

            if (resource.Strategy.HasGeneration)
            {
                meta.Generation = (old.Metadata.Generation ?? 1) + (resource.Strategy.SpecChanged(old, updated) ? 1 : 0);
            }

            using (await LockAsync(resource, cancellationToken))
            {
                foreach (var hook in resource.Hooks)
                {
                    await hook.AdmitAsync(new AdmissionRequest(resource, this, updated, old, dryRun), cancellationToken);
                }

                if (meta.DeletionTimestamp is not null && ReadyToRemove(resource, updated))
                {
                    var removed = await RemoveAsync(resource, ns, name, current, dryRun, cancellationToken);
                    if (removed is not null)
                    {
                        return removed;
                    }

                    continue;
                }

                var bytes = Encode(resource, updated);
                if (bytes.AsSpan().SequenceEqual(current.Stored.Span) || dryRun)
                {
                    // Nothing changed: upstream skips the write and keeps the resourceVersion.
                    meta.ResourceVersion = current.Object.Metadata.ResourceVersion;
                    return updated;
                }

                var revision = await CompareAndPutAsync(resource.Key(ns, name), current.ModRevision, bytes, cancellationToken);
                if (revision > 0)
                {
                    meta.ResourceVersion = revision.ToString(CultureInfo.InvariantCulture);
                    return updated;
                }
            }

            // Lost a race with another writer: re-run mutate on the new state (a precondition then fails with 409).
        }
    }

    /// <summary>A 409 when a body's resourceVersion is set and stale (for <see cref="UpdateAsync"/>'s mutate).</summary>
    public static void CheckResourceVersion(RestResource resource, StoredObject current, string? requested)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(current);
        if (!string.IsNullOrEmpty(requested) && requested != current.Object.Metadata.ResourceVersion)
        {
            throw StatusException.Modified(resource.Group, resource.Plural, current.Object.Metadata.Name);
        }
    }

    // Applies the update scope and keeps the fields no update may change.
    private static IKubernetesObject<V1ObjectMeta> Merge(RestResource resource, StoredObject current, IKubernetesObject<V1ObjectMeta> desired, UpdateScope scope)
    {
        desired.Metadata ??= new V1ObjectMeta();
        desired.ApiVersion = resource.ApiVersion;
        desired.Kind = resource.Kind;
        var old = current.Object.Metadata;
        if (scope != UpdateScope.Main || resource.HasStatus)
        {
            var oldNode = ObjectCodec.ParseObject(current.Raw.Span);
            var newNode = ObjectCodec.ToNode(desired);
            JsonObject result;
            if (scope == UpdateScope.Main)
            {
                result = newNode;
                result["status"] = oldNode["status"]?.DeepClone();
                if (resource.Group.Length == 0 && resource.Plural == "pods" && result["spec"] is JsonObject podSpec)
                {
                    // Ephemeral containers change only through their subresource.
                    podSpec["ephemeralContainers"] = (oldNode["spec"] as JsonObject)?["ephemeralContainers"]?.DeepClone();
                }
            }
            else
            {
                result = oldNode;
                if (scope == UpdateScope.Status)
                {
                    result["status"] = newNode["status"]?.DeepClone();
                }
                else if (scope == UpdateScope.EphemeralContainers)
                {
                    var spec = result["spec"] as JsonObject ?? new JsonObject();
                    spec["ephemeralContainers"] = (newNode["spec"] as JsonObject)?["ephemeralContainers"]?.DeepClone();
                    result["spec"] = spec;
                }
                else
                {
                    var spec = result["spec"] as JsonObject ?? new JsonObject();
                    spec["finalizers"] = (newNode["spec"] as JsonObject)?["finalizers"]?.DeepClone();
                    result["spec"] = spec;
                }

                // managedFields are recorded per subresource too: the desired object carries them.
                if (result["metadata"] is JsonObject resultMeta)
                {
                    resultMeta["managedFields"] = (newNode["metadata"] as JsonObject)?["managedFields"]?.DeepClone();
                }
            }

            desired = ObjectCodec.ToObject(result, resource.Strategy.ModelType);
        }

        var meta = desired.Metadata ??= new V1ObjectMeta();
        meta.Uid = old.Uid;
        meta.CreationTimestamp = old.CreationTimestamp;
        meta.DeletionTimestamp = old.DeletionTimestamp;
        meta.DeletionGracePeriodSeconds = old.DeletionGracePeriodSeconds;
        meta.Generation = old.Generation;
        meta.Name ??= old.Name;
        if (resource.Namespaced)
        {
            meta.NamespaceProperty ??= old.NamespaceProperty;
        }

        return desired;
    }

    private static bool ReadyToRemove(RestResource resource, IKubernetesObject<V1ObjectMeta> obj) =>
        obj.Metadata.Finalizers is not { Count: > 0 }
        && !(resource.Strategy is IDeletionStrategy deletion && deletion.PrepareForDeletion(obj))
        && (obj.Metadata.DeletionGracePeriodSeconds ?? 0) == 0;

    private async Task<long> CompareAndPutAsync(string key, long modRevision, byte[] bytes, CancellationToken cancellationToken)
    {
        var keyBytes = Bytes(key);
        var txn = new TxnRequest();
        txn.Compare.Add(new Compare { Key = keyBytes, Target = Compare.Types.CompareTarget.Mod, Result = Compare.Types.CompareResult.Equal, ModRevision = modRevision });
        txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = keyBytes, Value = Google.Protobuf.ByteString.CopyFrom(bytes) } });
        var response = await Call(() => Store.TxnAsync(txn, cancellationToken));
        NamespaceWritten(key);
        return response.Succeeded ? response.Header.Revision : 0;
    }


    private static async Task<IDisposable?> LockAsync(RestResource resource, CancellationToken cancellationToken)
    {
        if (!resource.Hooks.Any(h => h.SerializesWrites))
        {
            return null;
        }

        await resource.WriteLock.WaitAsync(cancellationToken);
        return new Releaser(resource.WriteLock);
    }

    private static string RandomSuffix() => RandomNumberGenerator.GetString(GenerateNameAlphabet, 5);

    private sealed class Releaser(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }
}
