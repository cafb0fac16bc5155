using k8s;
using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Validation;
using LocalKube.Node.ApiServer.Discovery;
using LocalKube.Node.ApiServer.Resources;

namespace LocalKube.Node.ApiServer.Rest.Core;

/// <summary>core/v1 ConfigMaps (k/k <c>pkg/registry/core/configmap</c>): key syntax, 1 MiB of data, immutability.</summary>
public sealed class ConfigMapStrategy : IResourceStrategy
{
    private static readonly Names.Rule MachineryNameRule = (name, prefix) => NameValidation.NameIsDns1123Subdomain(name, prefix).ToList();

    /// <inheritdoc />
    public ApiResourceDescriptor Descriptor { get; } = new()
    {
        Group = "",
        Version = "v1",
        Kind = "ConfigMap",
        Plural = "configmaps",
        Singular = "configmap",
        Namespaced = true,
        ShortNames = ["cm"],
    };

    /// <inheritdoc />
    public Type ModelType => typeof(V1ConfigMap);

    /// <inheritdoc />
    public string StoragePrefix => "configmaps";

    /// <inheritdoc />
    public bool HasGeneration => false;

    /// <inheritdoc />
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        CoreColumns.Name,
        new("Data", "string", "", "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process."),
        CoreColumns.Age,
    ];

    /// <inheritdoc />
    public void Default(IKubernetesObject<V1ObjectMeta> obj)
    {
    }

    /// <inheritdoc />
    public IReadOnlyList<V1StatusCause> ValidateCreate(IKubernetesObject<V1ObjectMeta> obj)
    {
        var cm = (V1ConfigMap)obj;
        var meta = new FieldErrors();
        MetaValidation.Validate(cm.Metadata, true, MachineryNameRule, meta);
        var errors = meta.ToList();
        errors.AddRange(ConfigDataValidation.Keys(cm.Data, "data"));
        errors.AddRange(ConfigDataValidation.Keys(cm.BinaryData, "binaryData"));
        long total = 0;
        foreach (var (key, value) in cm.Data ?? new Dictionary<string, string>())
        {
            total += key.Length + System.Text.Encoding.UTF8.GetByteCount(value ?? "");
        }

        foreach (var (key, value) in cm.BinaryData ?? new Dictionary<string, byte[]>())
        {
            total += key.Length + (value?.Length ?? 0);
            if (cm.Data?.ContainsKey(key) == true)
            {
                errors.Add(StatusCauses.Invalid($"binaryData[{key}]", key, "duplicate of key present in data"));
            }
        }

        if (total > ConfigDataValidation.MaxDataBytes)
        {
            errors.Add(StatusCauses.TooLong("[]", ConfigDataValidation.MaxDataBytes));
        }

        return errors;
    }

    /// <inheritdoc />
    public IReadOnlyList<V1StatusCause> ValidateUpdate(IKubernetesObject<V1ObjectMeta> obj, IKubernetesObject<V1ObjectMeta> old)
    {
        var (cm, was) = ((V1ConfigMap)obj, (V1ConfigMap)old);
        var meta = new FieldErrors();
        MetaValidation.ValidateUpdate(cm.Metadata, was.Metadata, true, MachineryNameRule, meta);
        var errors = meta.ToList();
        errors.AddRange(ValidateCreate(obj).Where(e => !e.Field.StartsWith("metadata", StringComparison.Ordinal)));
        errors.AddRange(ConfigDataValidation.Immutable(was.Immutable, cm.Immutable,
            !ConfigDataValidation.SameMap(cm.Data, was.Data, (a, b) => a == b),
            !ConfigDataValidation.SameMap(cm.BinaryData, was.BinaryData, (a, b) => a.AsSpan().SequenceEqual(b))));
        return errors;
    }

    /// <inheritdoc />
    public bool SpecChanged(IKubernetesObject<V1ObjectMeta> old, IKubernetesObject<V1ObjectMeta> updated) => false;

    /// <inheritdoc />
    public IReadOnlyList<object?> Cells(IKubernetesObject<V1ObjectMeta> obj, DateTimeOffset now)
    {
        var cm = (V1ConfigMap)obj;
        return [cm.Metadata.Name, (cm.Data?.Count ?? 0) + (cm.BinaryData?.Count ?? 0), HumanDuration.Age(cm.Metadata.CreationTimestamp, now)];
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> SelectableFields(IKubernetesObject<V1ObjectMeta> obj) => new Dictionary<string, string>
    {
        ["metadata.name"] = obj.Metadata?.Name ?? "",
        ["metadata.namespace"] = obj.Metadata?.NamespaceProperty ?? "",
    };
}
