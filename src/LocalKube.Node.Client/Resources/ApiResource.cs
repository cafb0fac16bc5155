using System.Collections.Concurrent;
using System.Reflection;
using k8s.Models;

namespace LocalKube.Node.Client.Resources;

/// <summary>
/// Where a KubernetesClient model lives on the wire: group, version, kind, plural and scope. Read from the model's
/// <see cref="KubernetesEntityAttribute"/>; the scope comes from upstream's list of cluster-scoped kinds (a model
/// type does not carry it), and <see cref="Register{T}"/> adds or overrides one.
/// </summary>
/// <param name="Group">The API group; empty for the core group.</param>
/// <param name="Version">The version, e.g. <c>v1</c>.</param>
/// <param name="Kind">The kind, e.g. <c>Pod</c>.</param>
/// <param name="Plural">The resource, e.g. <c>pods</c>.</param>
/// <param name="Namespaced">Whether objects live in namespaces.</param>
public sealed record ApiResource(string Group, string Version, string Kind, string Plural, bool Namespaced)
{
    private static readonly ConcurrentDictionary<Type, ApiResource> Known = new();

    // Upstream's cluster-scoped built-in kinds, by group.
    private static readonly HashSet<(string Group, string Kind)> ClusterScoped =
    [
        ("", "Namespace"), ("", "Node"), ("", "PersistentVolume"), ("", "ComponentStatus"),
        ("rbac.authorization.k8s.io", "ClusterRole"), ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
        ("storage.k8s.io", "StorageClass"), ("storage.k8s.io", "CSIDriver"), ("storage.k8s.io", "CSINode"),
        ("storage.k8s.io", "VolumeAttachment"), ("storage.k8s.io", "VolumeAttributesClass"),
        ("scheduling.k8s.io", "PriorityClass"), ("node.k8s.io", "RuntimeClass"),
        ("networking.k8s.io", "IngressClass"), ("networking.k8s.io", "IPAddress"), ("networking.k8s.io", "ServiceCIDR"),
        ("apiextensions.k8s.io", "CustomResourceDefinition"), ("apiregistration.k8s.io", "APIService"),
        ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"), ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"),
        ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"), ("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding"),
        ("certificates.k8s.io", "CertificateSigningRequest"), ("flowcontrol.apiserver.k8s.io", "FlowSchema"),
        ("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"), ("resource.k8s.io", "DeviceClass"),
    ];

    /// <summary><c>group/version</c>, or <c>version</c> for the core group.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>The resource of model <typeparamref name="T"/>.</summary>
    /// <exception cref="ArgumentException">The type is not a Kubernetes model and was not registered.</exception>
    public static ApiResource For<T>() => For(typeof(T));

    /// <summary>The resource of model <paramref name="type"/>.</summary>
    public static ApiResource For(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return Known.GetOrAdd(type, static t =>
        {
            var entity = t.GetCustomAttribute<KubernetesEntityAttribute>()
                ?? throw new ArgumentException($"{t.Name} has no [KubernetesEntity]; register it with ApiResource.Register", nameof(type));
            return new ApiResource(entity.Group ?? "", entity.ApiVersion, entity.Kind, entity.PluralName, !ClusterScoped.Contains((entity.Group ?? "", entity.Kind)));
        });
    }

    /// <summary>Declares (or overrides) the resource of <typeparamref name="T"/>, e.g. for a custom resource model.</summary>
    public static void Register<T>(ApiResource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        Known[typeof(T)] = resource;
    }

    /// <summary>The collection path: <c>/api/v1/namespaces/ns/pods</c>, or all namespaces when <paramref name="ns"/> is null.</summary>
    public string CollectionPath(string? ns = null)
    {
        var root = Group.Length == 0 ? $"/api/{Version}" : $"/apis/{Group}/{Version}";
        return Namespaced && !string.IsNullOrEmpty(ns)
            ? $"{root}/namespaces/{Uri.EscapeDataString(ns)}/{Plural}"
            : $"{root}/{Plural}";
    }

    /// <summary>The path of one object (and optionally a subresource).</summary>
    public string ObjectPath(string? ns, string name, string? subresource = null)
    {
        var path = $"{CollectionPath(Namespaced ? ns : null)}/{Uri.EscapeDataString(name)}";
        return subresource is null ? path : $"{path}/{subresource}";
    }

    /// <inheritdoc />
    public override string ToString() => Group.Length == 0 ? Plural : $"{Plural}.{Group}";
}
