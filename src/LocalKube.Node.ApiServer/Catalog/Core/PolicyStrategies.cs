using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Printing;
using LocalKube.Node.ApiServer.Catalog.Validation;
using LocalKube.Node.ApiServer.Resources;

namespace LocalKube.Node.ApiServer.Catalog.Core;

/// <summary>core/v1 limit ranges (generic NAME, CREATED AT table, as upstream).</summary>
public sealed class LimitRangeStrategy : ResourceStrategy<V1LimitRange>
{
    /// <summary>Supported limit types, in upstream's order.</summary>
    public static readonly IReadOnlyList<string> LimitTypes = ["Container", "Pod", "PersistentVolumeClaim"];

    /// <summary>Creates the strategy.</summary>
    public LimitRangeStrategy()
        : base(Descriptors.Of("", "v1", "LimitRange", "limitranges", true, shortNames: ["limits"]), "limitranges", hasGeneration: false)
    {
    }

    /// <inheritdoc />
    protected override void Default(V1LimitRange obj)
    {
        foreach (var item in obj.Spec?.Limits ?? [])
        {
            if (item.Type != "Container")
            {
                continue;
            }

            // Default limits fall back to max, default requests to the default limit and then to min.
            item.DefaultProperty ??= new Dictionary<string, ResourceQuantity>();
            item.DefaultRequest ??= new Dictionary<string, ResourceQuantity>();
            foreach (var (k, v) in item.Max ?? new Dictionary<string, ResourceQuantity>())
            {
                item.DefaultProperty.TryAdd(k, v);
            }

            foreach (var (k, v) in item.DefaultProperty)
            {
                item.DefaultRequest.TryAdd(k, v);
            }

            foreach (var (k, v) in item.Min ?? new Dictionary<string, ResourceQuantity>())
            {
                item.DefaultRequest.TryAdd(k, v);
            }
        }
    }

    /// <inheritdoc />
    protected override void Validate(V1LimitRange obj, FieldErrors errors)
    {
        var limits = obj.Spec?.Limits ?? [];
        for (var i = 0; i < limits.Count; i++)
        {
            var p = FieldPath.Root("spec", "limits").Index(i);
            var item = limits[i];
            if (string.IsNullOrEmpty(item.Type))
            {
                errors.Required(p.Child("type"));
            }

            foreach (var (k, min) in item.Min ?? new Dictionary<string, ResourceQuantity>())
            {
                if (item.Max is not null && item.Max.TryGetValue(k, out var max) && min is not null && max is not null && QuantityMath.Compare(min, max) > 0)
                {
                    errors.Invalid(p.Child("min").Key(k), min.ToString(), $"min value {min} is greater than max value {max}");
                }
            }
        }
    }

    /// <inheritdoc />
    protected override object? GenerationSource(V1LimitRange obj) => null;
}

/// <summary>core/v1 resource quotas.</summary>
public sealed class ResourceQuotaStrategy : ResourceStrategy<V1ResourceQuota>
{
    /// <summary>Supported quota scopes, in upstream's order.</summary>
    public static readonly IReadOnlyList<string> Scopes = ["BestEffort", "CrossNamespacePodAffinity", "NotBestEffort", "NotTerminating", "PriorityClass", "Terminating"];

    private static readonly IReadOnlyList<TableColumn> QuotaColumns =
    [
        Cols.Name,
        Cols.Age,
        Cols.Text("Request", "Request represents a minimum amount of cpu/memory that a container may consume."),
        Cols.Text("Limit", "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node."),
    ];

    /// <summary>Creates the strategy.</summary>
    public ResourceQuotaStrategy()
        : base(Descriptors.Of("", "v1", "ResourceQuota", "resourcequotas", true, shortNames: ["quota"], subresources: [Descriptors.Status]),
            "resourcequotas", hasGeneration: false)
    {
    }

    /// <inheritdoc />
    public override IReadOnlyList<TableColumn> Columns => QuotaColumns;

    /// <inheritdoc />
    protected override void Validate(V1ResourceQuota obj, FieldErrors errors)
    {
        foreach (var (k, q) in obj.Spec?.Hard ?? new Dictionary<string, ResourceQuantity>())
        {
            if (q is not null && QuantityMath.Sign(q) < 0)
            {
                errors.Invalid(FieldPath.Root("spec", "hard").Key(k), QuantityMath.Format(q), "must be greater than or equal to 0");
            }
        }

        var scopes = obj.Spec?.Scopes ?? [];
        for (var i = 0; i < scopes.Count; i++)
        {
            if (!Scopes.Contains(scopes[i]))
            {
                errors.NotSupported(FieldPath.Root("spec", "scopes"), scopes[i], Scopes);
            }
        }
    }

    /// <inheritdoc />
    protected override object? GenerationSource(V1ResourceQuota obj) => null;

    /// <inheritdoc />
    protected override IReadOnlyList<object?> Row(V1ResourceQuota obj, DateTimeOffset now)
    {
        var requests = new List<string>();
        var limits = new List<string>();
        var hard = obj.Status?.Hard ?? new Dictionary<string, ResourceQuantity>();
        foreach (var name in hard.Keys.Order(StringComparer.Ordinal))
        {
            var used = obj.Status?.Used is { } u && u.TryGetValue(name, out var uq) && uq is not null ? uq.ToString() : "0";
            var entry = $"{name}: {used}/{hard[name]}";
            (name.Split('.') is { Length: > 1 } parts && parts[0] == "limits" ? limits : requests).Add(entry);
        }

        return [obj.Metadata?.Name, AgeOf(obj, now), string.Join(", ", requests), string.Join(", ", limits)];
    }
}
