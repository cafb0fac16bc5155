using k8s;
using k8s.Models;
using LocalKube.Node.ApiServer.Discovery;

namespace LocalKube.Node.ApiServer.Resources;

/// <summary>
/// Everything the generic REST machinery needs to know about one served resource type: its discovery entry, its model
/// type, and upstream's per-kind rules (defaulting, validation, generation, table columns, field selectors). One
/// instance per resource; registered with <c>services.AddResourceStrategy(...)</c>.
/// </summary>
/// <remarks>
/// The machinery owns everything that is the same for every kind: metadata (uid, timestamps, resourceVersion,
/// generateName), storage keys, optimistic concurrency, namespaces, selectors, pagination, watch, deletion and the
/// status subresource. A strategy only answers questions about its own kind, as pure functions of the objects.
/// </remarks>
public interface IResourceStrategy
{
    /// <summary>The discovery entry (group, version, kind, plural, verbs, short names, categories, subresources).</summary>
    ApiResourceDescriptor Descriptor { get; }

    /// <summary>The KubernetesClient model type objects are decoded into, e.g. <c>typeof(V1Pod)</c>.</summary>
    Type ModelType { get; }

    /// <summary>
    /// The storage prefix under <c>/registry/</c>, as upstream lays it out: <c>pods</c>, <c>deployments</c>,
    /// <c>services/specs</c>, <c>events</c>, with the group where upstream has one (e.g. <c>apiextensions.k8s.io/...</c>).
    /// </summary>
    string StoragePrefix { get; }

    /// <summary>Whether <c>metadata.generation</c> is maintained (and bumped only by <see cref="SpecChanged"/> updates).</summary>
    bool HasGeneration { get; }

    /// <summary>Fills in upstream's defaults, in place. Called on create and on every update, before validation.</summary>
    void Default(IKubernetesObject<V1ObjectMeta> obj);

    /// <summary>Validates a new object. An empty list means valid; causes are worded as upstream (field path, reason, message).</summary>
    IReadOnlyList<V1StatusCause> ValidateCreate(IKubernetesObject<V1ObjectMeta> obj);

    /// <summary>Validates an update, including immutable fields, against the stored object.</summary>
    IReadOnlyList<V1StatusCause> ValidateUpdate(IKubernetesObject<V1ObjectMeta> obj, IKubernetesObject<V1ObjectMeta> old);

    /// <summary>Whether an update changes what upstream counts for <c>metadata.generation</c> (usually <c>spec</c>).</summary>
    bool SpecChanged(IKubernetesObject<V1ObjectMeta> old, IKubernetesObject<V1ObjectMeta> updated);

    /// <summary>The Table columns (upstream's, including <c>priority: 1</c> columns that <c>-o wide</c> shows).</summary>
    IReadOnlyList<TableColumn> Columns { get; }

    /// <summary>One Table row's cells, in <see cref="Columns"/> order (NAME first; AGE from <paramref name="now"/>).</summary>
    IReadOnlyList<object?> Cells(IKubernetesObject<V1ObjectMeta> obj, DateTimeOffset now);

    /// <summary>
    /// The field-selector fields this kind supports and their values for <paramref name="obj"/>: always
    /// <c>metadata.name</c> and (namespaced kinds) <c>metadata.namespace</c>, plus upstream's per-kind fields
    /// (pods: <c>spec.nodeName</c>, <c>status.phase</c>...; events: <c>involvedObject.*</c>...).
    /// </summary>
    IReadOnlyDictionary<string, string> SelectableFields(IKubernetesObject<V1ObjectMeta> obj);

    /// <summary>
    /// The same fields read from the object's stored JSON, without decoding it, for kinds that can (pods: the
    /// kubelet's <c>spec.nodeName</c> watch filters every pod change); null when the kind cannot.
    /// </summary>
    IReadOnlyDictionary<string, string>? SelectableFieldsOfJson(ReadOnlyMemory<byte> json) => null;
}
