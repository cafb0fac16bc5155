using System.Text;
using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Validation;
using LocalKube.Node.ApiServer.Resources;

namespace LocalKube.Node.ApiServer.Catalog.Core;

/// <summary>
/// core/v1 Secrets (k/k <c>pkg/registry/core/secret</c>): type defaults to Opaque, stringData folds into data,
/// per-type required keys, 1 MiB of data, immutable type and (when <c>immutable</c>) data.
/// </summary>
public sealed class SecretStrategy : ResourceStrategy<V1Secret>
{
    private static readonly Dictionary<string, string[]> RequiredKeys = new()
    {
        ["kubernetes.io/dockercfg"] = [".dockercfg"],
        ["kubernetes.io/dockerconfigjson"] = [".dockerconfigjson"],
        ["kubernetes.io/tls"] = ["tls.crt", "tls.key"],
        ["kubernetes.io/ssh-auth"] = ["ssh-privatekey"],
    };

    private static readonly IReadOnlyList<TableColumn> SecretColumns =
    [
        CoreColumns.Name,
        new("Type", "string", "", "Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types"),
        new("Data", "string", "", "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4"),
        CoreColumns.Age,
    ];

    /// <summary>Creates the strategy.</summary>
    public SecretStrategy()
        : base(Descriptors.Of("", "v1", "Secret", "secrets", true), "secrets", hasGeneration: false)
    {
    }

    /// <inheritdoc />
    public override IReadOnlyList<TableColumn> Columns => SecretColumns;

    // Upstream's NameIsDNSSubdomain as the machinery has it (Names.SubdomainName masks a generateName's dash differently).
    /// <inheritdoc />
    protected override Names.Rule NameRule => (name, prefix) => NameValidation.NameIsDns1123Subdomain(name, prefix).ToList();

    /// <inheritdoc />
    protected override void Default(V1Secret obj)
    {
        if (string.IsNullOrEmpty(obj.Type))
        {
            obj.Type = "Opaque";
        }

        // Write-only convenience field: upstream merges it into data and never stores it.
        if (obj.StringData is { Count: > 0 } strings)
        {
            obj.Data ??= new Dictionary<string, byte[]>();
            foreach (var (key, value) in strings)
            {
                obj.Data[key] = Encoding.UTF8.GetBytes(value ?? "");
            }
        }

        obj.StringData = null;
    }

    /// <inheritdoc />
    protected override void Validate(V1Secret obj, FieldErrors errors) => ValidateData(obj, errors);

    /// <inheritdoc />
    protected override void ValidateUpdate(V1Secret obj, V1Secret old, FieldErrors errors)
    {
        ValidateData(obj, errors);
        if (obj.Type != old.Type)
        {
            errors.Add(StatusCauses.Immutable("type", obj.Type));
        }

        ConfigDataValidation.Immutable(old.Immutable, obj.Immutable,
            !ConfigDataValidation.SameMap(obj.Data, old.Data, (a, b) => a.AsSpan().SequenceEqual(b)), false, errors);
    }

    /// <inheritdoc />
    protected override object? GenerationSource(V1Secret obj) => null;

    /// <inheritdoc />
    protected override IReadOnlyList<object?> Row(V1Secret obj, DateTimeOffset now) =>
        [obj.Metadata.Name, obj.Type, obj.Data?.Count ?? 0, HumanDuration.Age(obj.Metadata.CreationTimestamp, now)];

    /// <inheritdoc />
    protected override void AddSelectableFields(V1Secret obj, IDictionary<string, string> fields) => fields["type"] = obj.Type ?? "";

    private static void ValidateData(V1Secret secret, FieldErrors errors)
    {
        var data = FieldPath.Root("data");
        ConfigDataValidation.Keys(secret.Data, data, errors);
        var total = (secret.Data ?? new Dictionary<string, byte[]>()).Sum(kv => (long)kv.Key.Length + (kv.Value?.Length ?? 0));
        if (total > ConfigDataValidation.MaxDataBytes)
        {
            errors.TooLong(data, ConfigDataValidation.MaxDataBytes);
        }

        if (secret.Type == "kubernetes.io/service-account-token"
            && string.IsNullOrEmpty(secret.Metadata.Annotations?.TryGetValue("kubernetes.io/service-account.name", out var sa) == true ? sa : null))
        {
            errors.Required(FieldPath.Root("metadata", "annotations").Key("kubernetes.io/service-account.name"));
        }

        if (secret.Type is { } type && RequiredKeys.TryGetValue(type, out var keys))
        {
            foreach (var key in keys.Where(k => secret.Data?.ContainsKey(k) != true))
            {
                errors.Required(data.Key(key));
            }
        }

        if (secret.Type == "kubernetes.io/basic-auth" && secret.Data?.ContainsKey("username") != true && secret.Data?.ContainsKey("password") != true)
        {
            errors.Required(data.Key("username"));
            errors.Required(data.Key("password"));
        }
    }
}
