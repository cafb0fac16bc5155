using k8s.Models;

namespace LocalKube.Node.ApiServer.Authorization;

/// <summary>
/// The objects a pod or a PersistentVolume names, as upstream's node graph reads them (podutil's
/// <c>VisitPodSecretNames</c>/<c>VisitPodConfigmapNames</c>, the pod's claims and service account, and the secrets of a
/// PersistentVolume's volume source). These are the edges a kubelet may follow to read an object.
/// </summary>
internal static class NodeGraphReferences
{
    /// <summary>Every object <paramref name="pod"/> references, each once (all in the pod's namespace).</summary>
    public static IReadOnlyCollection<NodeGraphVertex> OfPod(V1Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var ns = pod.Metadata?.NamespaceProperty ?? "";
        var found = new HashSet<NodeGraphVertex>();
        var spec = pod.Spec;
        if (spec is null)
        {
            return found;
        }

        void Add(NodeGraphKind kind, string? name)
        {
            if (!string.IsNullOrEmpty(name))
            {
                found.Add(new NodeGraphVertex(kind, ns, name));
            }
        }

        Add(NodeGraphKind.ServiceAccount, spec.ServiceAccountName);
        foreach (var pull in spec.ImagePullSecrets ?? [])
        {
            Add(NodeGraphKind.Secret, pull.Name);
        }

        foreach (var container in Containers(spec))
        {
            foreach (var from in container.EnvFrom ?? [])
            {
                Add(NodeGraphKind.Secret, from.SecretRef?.Name);
                Add(NodeGraphKind.ConfigMap, from.ConfigMapRef?.Name);
            }

            foreach (var env in container.Env ?? [])
            {
                Add(NodeGraphKind.Secret, env.ValueFrom?.SecretKeyRef?.Name);
                Add(NodeGraphKind.ConfigMap, env.ValueFrom?.ConfigMapKeyRef?.Name);
            }
        }

        foreach (var volume in spec.Volumes ?? [])
        {
            Add(NodeGraphKind.Secret, volume.Secret?.SecretName);
            Add(NodeGraphKind.ConfigMap, volume.ConfigMap?.Name);
            Add(NodeGraphKind.Secret, volume.AzureFile?.SecretName);
            Add(NodeGraphKind.Secret, volume.Cephfs?.SecretRef?.Name);
            Add(NodeGraphKind.Secret, volume.Cinder?.SecretRef?.Name);
            Add(NodeGraphKind.Secret, volume.FlexVolume?.SecretRef?.Name);
            Add(NodeGraphKind.Secret, volume.Iscsi?.SecretRef?.Name);
            Add(NodeGraphKind.Secret, volume.Rbd?.SecretRef?.Name);
            Add(NodeGraphKind.Secret, volume.ScaleIO?.SecretRef?.Name);
            Add(NodeGraphKind.Secret, volume.Storageos?.SecretRef?.Name);
            Add(NodeGraphKind.Secret, volume.Csi?.NodePublishSecretRef?.Name);
            foreach (var source in volume.Projected?.Sources ?? [])
            {
                Add(NodeGraphKind.Secret, source.Secret?.Name);
                Add(NodeGraphKind.ConfigMap, source.ConfigMap?.Name);
            }

            Add(NodeGraphKind.PersistentVolumeClaim, volume.PersistentVolumeClaim?.ClaimName);

            // A generic ephemeral volume's claim is named after the pod and the volume.
            if (volume.Ephemeral is not null)
            {
                Add(NodeGraphKind.PersistentVolumeClaim, $"{pod.Metadata?.Name}-{volume.Name}");
            }
        }

        foreach (var claim in spec.ResourceClaims ?? [])
        {
            Add(NodeGraphKind.ResourceClaim, claim.ResourceClaimName);
        }

        foreach (var status in pod.Status?.ResourceClaimStatuses ?? [])
        {
            Add(NodeGraphKind.ResourceClaim, status.ResourceClaimName);
        }

        return found;
    }

    /// <summary>
    /// The secrets a PersistentVolume's source names (a reference without a namespace is in the bound claim's, as the
    /// volume plugins resolve it, else <c>default</c>).
    /// </summary>
    public static IReadOnlyCollection<NodeGraphVertex> SecretsOfVolume(V1PersistentVolume pv)
    {
        ArgumentNullException.ThrowIfNull(pv);
        var found = new HashSet<NodeGraphVertex>();
        var spec = pv.Spec;
        if (spec is null)
        {
            return found;
        }

        var fallback = string.IsNullOrEmpty(spec.ClaimRef?.NamespaceProperty) ? "default" : spec.ClaimRef.NamespaceProperty;

        void Add(string? ns, string? name)
        {
            if (!string.IsNullOrEmpty(name))
            {
                found.Add(new NodeGraphVertex(NodeGraphKind.Secret, string.IsNullOrEmpty(ns) ? fallback : ns, name));
            }
        }

        Add(spec.AzureFile?.SecretNamespace, spec.AzureFile?.SecretName);
        Add(spec.Cephfs?.SecretRef?.NamespaceProperty, spec.Cephfs?.SecretRef?.Name);
        Add(spec.Cinder?.SecretRef?.NamespaceProperty, spec.Cinder?.SecretRef?.Name);
        Add(spec.FlexVolume?.SecretRef?.NamespaceProperty, spec.FlexVolume?.SecretRef?.Name);
        Add(spec.Iscsi?.SecretRef?.NamespaceProperty, spec.Iscsi?.SecretRef?.Name);
        Add(spec.Rbd?.SecretRef?.NamespaceProperty, spec.Rbd?.SecretRef?.Name);
        Add(spec.ScaleIO?.SecretRef?.NamespaceProperty, spec.ScaleIO?.SecretRef?.Name);
        Add(spec.Storageos?.SecretRef?.NamespaceProperty, spec.Storageos?.SecretRef?.Name);
        if (spec.Csi is { } csi)
        {
            Add(csi.ControllerPublishSecretRef?.NamespaceProperty, csi.ControllerPublishSecretRef?.Name);
            Add(csi.ControllerExpandSecretRef?.NamespaceProperty, csi.ControllerExpandSecretRef?.Name);
            Add(csi.NodePublishSecretRef?.NamespaceProperty, csi.NodePublishSecretRef?.Name);
            Add(csi.NodeStageSecretRef?.NamespaceProperty, csi.NodeStageSecretRef?.Name);
            Add(csi.NodeExpandSecretRef?.NamespaceProperty, csi.NodeExpandSecretRef?.Name);
        }

        return found;
    }

    private static IEnumerable<V1Container> Containers(V1PodSpec spec)
    {
        foreach (var c in spec.InitContainers ?? [])
        {
            yield return c;
        }

        foreach (var c in spec.Containers ?? [])
        {
            yield return c;
        }

        foreach (var e in spec.EphemeralContainers ?? [])
        {
            // An ephemeral container's references count as the pod's (podutil.AllContainers).
            yield return new V1Container { Name = e.Name, Env = e.Env, EnvFrom = e.EnvFrom };
        }
    }
}
