using k8s;
using k8s.Models;
using LocalKube.Node.ApiServer.Catalog;
using LocalKube.Node.ApiServer.Resources;

namespace LocalKube.Node.ApiServer.Tests.Catalog;

/// <summary>Helpers for the pure strategy tests: lookup by resource, typical objects, cause rendering.</summary>
internal static class CatalogTestKit
{
    public static readonly DateTimeOffset Now = new(2025, 1, 10, 12, 0, 0, TimeSpan.Zero);

    public static readonly IReadOnlyList<IResourceStrategy> All = CatalogServiceCollectionExtensions.CreateAll();

    public static IResourceStrategy Strategy(string groupVersion, string plural) =>
        All.Single(s => s.Descriptor.GroupVersion == groupVersion && s.Descriptor.Plural == plural);

    public static V1ObjectMeta Meta(string name, string? ns = "default", DateTimeOffset? created = null) => new()
    {
        Name = name,
        NamespaceProperty = ns,
        CreationTimestamp = (created ?? Now.AddMinutes(-5)).UtcDateTime,
    };

    public static V1PodSpec PodSpec(params string[] images) => new()
    {
        Containers = images.Select((image, i) => new V1Container { Name = i == 0 ? "app" : $"app{i}", Image = image }).ToList(),
    };

    public static V1PodTemplateSpec Template(IDictionary<string, string> labels, params string[] images) => new()
    {
        Metadata = new V1ObjectMeta { Labels = labels },
        Spec = PodSpec(images.Length == 0 ? ["nginx:1.27"] : images),
    };

    public static Dictionary<string, string> App(string value = "web") => new() { ["app"] = value };

    /// <summary>"field: message (reason)" lines, the way kubectl would show them plus the reason.</summary>
    public static string[] Lines(IEnumerable<V1StatusCause> causes) => causes.Select(c => $"{c.Field}: {c.Message} ({c.Reason})").ToArray();

    /// <summary>Defaults then validates on create, as the machinery does.</summary>
    public static string[] CreateErrors(IResourceStrategy strategy, IKubernetesObject<V1ObjectMeta> obj)
    {
        strategy.Default(obj);
        return Lines(strategy.ValidateCreate(obj));
    }

    /// <summary>Defaults both then validates the update.</summary>
    public static string[] UpdateErrors(IResourceStrategy strategy, IKubernetesObject<V1ObjectMeta> obj, IKubernetesObject<V1ObjectMeta> old)
    {
        strategy.Default(old);
        strategy.Default(obj);
        return Lines(strategy.ValidateUpdate(obj, old));
    }

    public static string Json(object o) => KubernetesJson.Serialize(o);

    public static T Clone<T>(T o) => KubernetesJson.Deserialize<T>(KubernetesJson.Serialize(o!));
}
