using k8s;
using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Validation;
using LocalKube.Node.ApiServer.Discovery;
using LocalKube.Node.ApiServer.Resources;

namespace LocalKube.Node.ApiServer.Rest.Core;

/// <summary>
/// core/v1 Secrets (k/k <c>pkg/registry/core/secret</c>): type defaults to Opaque, stringData folds into data,
/// per-type required keys, 1 MiB of data, immutable type and (when <c>immutable</c>) data.
/// </summary>
public sealed class SecretStrategy : IResourceStrategy
{
    private static readonly Names.Rule MachineryNameRule = (name, prefix) => NameValidation.NameIsDns1123Subdomain(name, prefix).ToList();

    private static readonly Dictionary<string, string[]> RequiredKeys = new()
    {
        ["kubernetes.io/dockercfg"] = [".dockercfg"],
        ["kubernetes.io/dockerconfigjson"] = [".dockerconfigjson"],
        ["kubernetes.io/tls"] = ["tls.crt", "tls.key"],
        ["kubernetes.io/ssh-auth"] = ["ssh-privatekey"],
    };

    /// <inheritdoc />
    public ApiResourceDescriptor Descriptor { get; } = new()
    {
        Group = "",
        Version = "v1",
        Kind = "Secret",
        Plural = "secrets",
        Singular = "secret",
        Namespaced = true,
    };

    /// <inheritdoc />
    public Type ModelType => typeof(V1Secret);

    /// <inheritdoc />
    public string StoragePrefix => "secrets";

    /// <inheritdoc />
    public bool HasGeneration => false;

    /// <inheritdoc />
    public IReadOnlyList<TableColumn> Columns { get; } =
    [
        CoreColumns.Name,
        new("Type", "string", "", "Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types"),
        new("Data", "string", "", "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4"),
        CoreColumns.Age,
    ];

    /// <inheritdoc />
    public void Default(IKubernetesObject<V1ObjectMeta> obj)
    {
        var secret = (V1Secret)obj;
        if (string.IsNullOrEmpty(secret.Type))
        {
            secret.Type = "Opaque";
        }

        // Write-only convenience field: upstream merges it into data and never stores it.
        if (secret.StringData is { Count: > 0 } strings)
        {
            secret.Data ??= new Dictionary<string, byte[]>();
            foreach (var (key, value) in strings)
            {
                secret.Data[key] = System.Text.Encoding.UTF8.GetBytes(value ?? "");
            }
        }

        secret.StringData = null;
    }

    /// <inheritdoc />
    public IReadOnlyList<V1StatusCause> ValidateCreate(IKubernetesObject<V1ObjectMeta> obj)
    {
        var secret = (V1Secret)obj;
        var meta = new FieldErrors();
        MetaValidation.Validate(secret.Metadata, true, MachineryNameRule, meta);
        var errors = meta.ToList();
        errors.AddRange(ValidateData(secret));
        return errors;
    }

    /// <inheritdoc />
    public IReadOnlyList<V1StatusCause> ValidateUpdate(IKubernetesObject<V1ObjectMeta> obj, IKubernetesObject<V1ObjectMeta> old)
    {
        var (secret, was) = ((V1Secret)obj, (V1Secret)old);
        var meta = new FieldErrors();
        MetaValidation.ValidateUpdate(secret.Metadata, was.Metadata, true, MachineryNameRule, meta);
        var errors = meta.ToList();
        errors.AddRange(ValidateData(secret));
        if (secret.Type != was.Type)
        {
            errors.Add(StatusCauses.Immutable("type", secret.Type));
        }

        errors.AddRange(ConfigDataValidation.Immutable(was.Immutable, secret.Immutable,
            !ConfigDataValidation.SameMap(secret.Data, was.Data, (a, b) => a.AsSpan().SequenceEqual(b)), false));
        return errors;
    }

    /// <inheritdoc />
    public bool SpecChanged(IKubernetesObject<V1ObjectMeta> old, IKubernetesObject<V1ObjectMeta> updated) => false;

    /// <inheritdoc />
    public IReadOnlyList<object?> Cells(IKubernetesObject<V1ObjectMeta> obj, DateTimeOffset now)
    {
        var secret = (V1Secret)obj;
        return [secret.Metadata.Name, secret.Type, secret.Data?.Count ?? 0, HumanDuration.Age(secret.Metadata.CreationTimestamp, now)];
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> SelectableFields(IKubernetesObject<V1ObjectMeta> obj) => new Dictionary<string, string>
    {
        ["metadata.name"] = obj.Metadata?.Name ?? "",
        ["metadata.namespace"] = obj.Metadata?.NamespaceProperty ?? "",
        ["type"] = (obj as V1Secret)?.Type ?? "",
    };

    private static IEnumerable<V1StatusCause> ValidateData(V1Secret secret)
    {
        var errors = ConfigDataValidation.Keys(secret.Data, "data").ToList();
        var total = (secret.Data ?? new Dictionary<string, byte[]>()).Sum(kv => (long)kv.Key.Length + (kv.Value?.Length ?? 0));
        if (total > ConfigDataValidation.MaxDataBytes)
        {
            errors.Add(StatusCauses.TooLong("data", ConfigDataValidation.MaxDataBytes));
        }

        if (secret.Type == "kubernetes.io/service-account-token"
            && string.IsNullOrEmpty(secret.Metadata.Annotations?.TryGetValue("kubernetes.io/service-account.name", out var sa) == true ? sa : null))
        {
            errors.Add(StatusCauses.Required("metadata.annotations[kubernetes.io/service-account.name]"));
        }

        if (secret.Type is { } type && RequiredKeys.TryGetValue(type, out var keys))
        {
            errors.AddRange(keys.Where(k => secret.Data?.ContainsKey(k) != true).Select(k => StatusCauses.Required($"data[{k}]")));
        }

        if (secret.Type == "kubernetes.io/basic-auth" && secret.Data?.ContainsKey("username") != true && secret.Data?.ContainsKey("password") != true)
        {
            errors.Add(StatusCauses.Required("data[username]"));
            errors.Add(StatusCauses.Required("data[password]"));
        }

        return errors;
    }
}
