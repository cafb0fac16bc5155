using k8s.Models;
using LocalKube.Node.ApiServer.Rest;

namespace LocalKube.Node.ApiServer.Admission;

/// <summary>
/// The StorageObjectInUseProtection admission plugin: new claims get the <c>kubernetes.io/pvc-protection</c>
/// finalizer and new volumes <c>kubernetes.io/pv-protection</c>, which the protection controllers remove once the
/// object is no longer in use.
/// </summary>
public sealed class StorageProtectionAdmission : IAdmissionHook
{
    /// <summary>The claim finalizer.</summary>
    public const string ClaimFinalizer = "kubernetes.io/pvc-protection";

    /// <summary>The volume finalizer.</summary>
    public const string VolumeFinalizer = "kubernetes.io/pv-protection";

    /// <inheritdoc />
    public bool SerializesWrites => false;

    /// <inheritdoc />
    public bool AppliesTo(string group, string kind) => group.Length == 0 && kind is "PersistentVolumeClaim" or "PersistentVolume";

    /// <inheritdoc />
    public Task AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Old is null)
        {
            var finalizer = request.Object is V1PersistentVolumeClaim ? ClaimFinalizer : VolumeFinalizer;
            var meta = request.Object.Metadata;
            if (meta.Finalizers?.Contains(finalizer) != true)
            {
                (meta.Finalizers ??= []).Add(finalizer);
            }
        }

        return Task.CompletedTask;
    }
}
