using k8s.Models;
using LocalKube.Node.ApiServer.Rest;

namespace LocalKube.Node.ApiServer.Admission;

/// <summary>
/// The DefaultStorageClass admission plugin (k/k <c>plugin/pkg/admission/storage/storageclass/setdefault</c>): a
/// claim created without <c>storageClassName</c> (null, not "") gets the default class, the newest one when several
/// are marked default.
/// </summary>
public sealed class DefaultStorageClassAdmission(TimeProvider time) : IAdmissionHook
{
    /// <summary>The annotation that marks the default class.</summary>
    public const string DefaultClassAnnotation = "storageclass.kubernetes.io/is-default-class";

    private readonly CachedList<V1StorageClass> _classes = new(time);

    /// <inheritdoc />
    public bool SerializesWrites => false;

    /// <inheritdoc />
    public bool AppliesTo(string group, string kind) => group.Length == 0 && kind == "PersistentVolumeClaim";

    /// <inheritdoc />
    public async Task AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Old is not null || request.Object is not V1PersistentVolumeClaim claim || claim.Spec?.StorageClassName is not null
            || claim.Metadata?.Annotations?.ContainsKey("volume.beta.kubernetes.io/storage-class") == true
            || request.Store.Resources.FindKind("storage.k8s.io", "StorageClass") is not { } resource)
        {
            return;
        }

        var classes = await _classes.GetAsync(request.Store, resource, cancellationToken);
        var chosen = classes.Where(IsDefault)
            .OrderByDescending(c => c.Metadata.CreationTimestamp)
            .ThenBy(c => c.Metadata.Name, StringComparer.Ordinal)
            .FirstOrDefault();
        if (chosen is not null)
        {
            (claim.Spec ??= new V1PersistentVolumeClaimSpec()).StorageClassName = chosen.Metadata.Name;
        }
    }

    private static bool IsDefault(V1StorageClass c) =>
        c.Metadata?.Annotations is { } a
        && ((a.TryGetValue(DefaultClassAnnotation, out var v) && v == "true")
            || (a.TryGetValue("storageclass.beta.kubernetes.io/is-default-class", out var b) && b == "true"));
}
