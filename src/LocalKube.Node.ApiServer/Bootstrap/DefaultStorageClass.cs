using k8s.Models;
using LocalKube.Node.ApiServer.Rest;

namespace LocalKube.Node.ApiServer.Bootstrap;

/// <summary>
/// minikube's <c>default-storageclass</c> addon: the StorageClass <c>standard</c>, default
/// (<c>storageclass.kubernetes.io/is-default-class</c>), provisioned by the node's hostPath provisioner
/// (<c>k8s.io/minikube-hostpath</c>). Like the addon manager's <c>EnsureExists</c> mode it is created when missing at
/// each start and never overwritten, so a user's edits stay.
/// </summary>
public static class DefaultStorageClass
{
    /// <summary>The class name.</summary>
    public const string Name = "standard";

    /// <summary>The provisioner that serves it.</summary>
    public const string Provisioner = "k8s.io/minikube-hostpath";

    /// <summary>Creates the class when it is missing.</summary>
    public static async Task EnsureAsync(ResourceStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (store.Resources.FindKind("storage.k8s.io", "StorageClass") is not { } resource
            || await store.TryGetAsync(resource, null, Name, cancellationToken) is not null)
        {
            return;
        }

        var storageClass = new V1StorageClass
        {
            ApiVersion = "storage.k8s.io/v1",
            Kind = "StorageClass",
            Metadata = new V1ObjectMeta
            {
                Name = Name,
                Annotations = new Dictionary<string, string> { ["storageclass.kubernetes.io/is-default-class"] = "true" },
                Labels = new Dictionary<string, string> { ["addonmanager.kubernetes.io/mode"] = "EnsureExists" },
            },
            Provisioner = Provisioner,
            ReclaimPolicy = "Delete",
            VolumeBindingMode = "Immediate",
        };
        try
        {
            await store.CreateAsync(resource, storageClass, dryRun: false, cancellationToken);
        }
        catch (StatusException e) when (e.Code == 409)
        {
            // Created meanwhile by another API server on the same store.
        }
    }
}
