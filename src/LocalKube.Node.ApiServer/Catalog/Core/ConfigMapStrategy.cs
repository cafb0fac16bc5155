using System.Text;
using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Validation;
using LocalKube.Node.ApiServer.Resources;

namespace LocalKube.Node.ApiServer.Catalog.Core;

/// <summary>core/v1 ConfigMaps (k/k <c>pkg/registry/core/configmap</c>): key syntax, 1 MiB of data, immutability.</summary>
public sealed class ConfigMapStrategy : ResourceStrategy<V1ConfigMap>
{
    private static readonly IReadOnlyList<TableColumn> ConfigMapColumns =
    [
        CoreColumns.Name,
        new("Data", "string", "", "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process."),
        CoreColumns.Age,
    ];

    /// <summary>Creates the strategy.</summary>
    public ConfigMapStrategy()
        : base(Descriptors.Of("", "v1", "ConfigMap", "configmaps", true, shortNames: ["cm"]), "configmaps", hasGeneration: false)
    {
    }

    /// <inheritdoc />
    public override IReadOnlyList<TableColumn> Columns => ConfigMapColumns;

    // Upstream's NameIsDNSSubdomain as the machinery has it (Names.SubdomainName masks a generateName's dash differently).
    /// <inheritdoc />
    protected override Names.Rule NameRule => (name, prefix) => NameValidation.NameIsDns1123Subdomain(name, prefix).ToList();

    /// <inheritdoc />
    protected override void Validate(V1ConfigMap obj, FieldErrors errors)
    {
        ConfigDataValidation.Keys(obj.Data, FieldPath.Root("data"), errors);
        ConfigDataValidation.Keys(obj.BinaryData, FieldPath.Root("binaryData"), errors);
        long total = 0;
        foreach (var (key, value) in obj.Data ?? new Dictionary<string, string>())
        {
            total += key.Length + Encoding.UTF8.GetByteCount(value ?? "");
        }

        foreach (var (key, value) in obj.BinaryData ?? new Dictionary<string, byte[]>())
        {
            total += key.Length + (value?.Length ?? 0);
            if (obj.Data?.ContainsKey(key) == true)
            {
                errors.Add(StatusCauses.Invalid(FieldPath.Root("binaryData").Key(key).ToString(), key, "duplicate of key present in data"));
            }
        }

        if (total > ConfigDataValidation.MaxDataBytes)
        {
            errors.TooLong(FieldPath.Root("[]"), ConfigDataValidation.MaxDataBytes);
        }
    }

    /// <inheritdoc />
    protected override void ValidateUpdate(V1ConfigMap obj, V1ConfigMap old, FieldErrors errors)
    {
        Validate(obj, errors);
        ConfigDataValidation.Immutable(old.Immutable, obj.Immutable,
            !ConfigDataValidation.SameMap(obj.Data, old.Data, (a, b) => a == b),
            !ConfigDataValidation.SameMap(obj.BinaryData, old.BinaryData, (a, b) => a.AsSpan().SequenceEqual(b)),
            errors);
    }

    /// <inheritdoc />
    protected override object? GenerationSource(V1ConfigMap obj) => null;

    /// <inheritdoc />
    protected override IReadOnlyList<object?> Row(V1ConfigMap obj, DateTimeOffset now) =>
        [obj.Metadata.Name, (obj.Data?.Count ?? 0) + (obj.BinaryData?.Count ?? 0), HumanDuration.Age(obj.Metadata.CreationTimestamp, now)];
}
