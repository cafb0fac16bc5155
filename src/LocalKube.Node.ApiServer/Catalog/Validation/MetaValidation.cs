using k8s.Models;

namespace LocalKube.Node.ApiServer.Catalog.Validation;

/// <summary>
/// Upstream's <c>ValidateObjectMeta</c> as each kind's validation calls it: name or generateName (with the kind's
/// name rule), namespace required or forbidden, label and annotation syntax and size, finalizer names.
/// </summary>
/// <remarks>
/// Top-level object metadata goes through the machinery's shared <c>ObjectMetaValidation</c> (see
/// <see cref="ResourceStrategy{T}"/>); these helpers serve the nested metadata it does not see (pod template labels,
/// selector labels, node selectors), with the same wording.
/// </remarks>
public static class MetaValidation
{
    /// <summary>Upstream's cap on the total size of all annotation keys and values.</summary>
    public const int TotalAnnotationSizeLimit = 256 * 1024;

    private static readonly FieldPath Metadata = FieldPath.Root("metadata");

    /// <summary>Validates <paramref name="meta"/> of a (namespaced or cluster-scoped) object.</summary>
    public static void Validate(V1ObjectMeta? meta, bool namespaced, Names.Rule nameRule, FieldErrors errors) =>
        Validate(meta, namespaced, nameRule, Metadata, errors);

    /// <summary>Validates <paramref name="meta"/> found at <paramref name="path"/>.</summary>
    public static void Validate(V1ObjectMeta? meta, bool namespaced, Names.Rule nameRule, FieldPath path, FieldErrors errors)
    {
        meta ??= new V1ObjectMeta();
        if (!string.IsNullOrEmpty(meta.GenerateName))
        {
            errors.InvalidEach(path.Child("generateName"), meta.GenerateName, nameRule(meta.GenerateName, true));
        }

        if (string.IsNullOrEmpty(meta.Name))
        {
            errors.Required(path.Child("name"), "name or generateName is required");
        }
        else
        {
            errors.InvalidEach(path.Child("name"), meta.Name, nameRule(meta.Name, false));
        }

        if (namespaced)
        {
            if (string.IsNullOrEmpty(meta.NamespaceProperty))
            {
                errors.Required(path.Child("namespace"));
            }
            else
            {
                errors.InvalidEach(path.Child("namespace"), meta.NamespaceProperty, Names.Dns1123Label(meta.NamespaceProperty));
            }
        }
        else if (!string.IsNullOrEmpty(meta.NamespaceProperty))
        {
            errors.Forbidden(path.Child("namespace"), "not allowed on this type");
        }

        Labels(meta.Labels, path.Child("labels"), errors);
        Annotations(meta.Annotations, path.Child("annotations"), errors);
        Finalizers(meta.Finalizers, path.Child("finalizers"), errors);
    }

    /// <summary>Label keys must be qualified names and values label values; both are reported at the map's path.</summary>
    public static void Labels(IDictionary<string, string>? labels, FieldPath path, FieldErrors errors)
    {
        if (labels is null)
        {
            return;
        }

        foreach (var (key, value) in labels.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            errors.InvalidEach(path, key, Names.QualifiedName(key));
            errors.InvalidEach(path, value ?? "", Names.LabelValue(value ?? ""));
        }
    }

    /// <summary>Annotation keys must be qualified names (case-insensitively); the total size is capped at 256 KiB.</summary>
    public static void Annotations(IDictionary<string, string>? annotations, FieldPath path, FieldErrors errors)
    {
        if (annotations is null)
        {
            return;
        }

        long total = 0;
        foreach (var (key, value) in annotations.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            errors.InvalidEach(path, key, Names.QualifiedName(key.ToLowerInvariant()));
            total += key.Length + (value?.Length ?? 0);
        }

        if (total > TotalAnnotationSizeLimit)
        {
            errors.TooLong(path, TotalAnnotationSizeLimit);
        }
    }

    /// <summary>Finalizers are qualified names; orphan and foregroundDeletion exclude each other.</summary>
    public static void Finalizers(IList<string>? finalizers, FieldPath path, FieldErrors errors)
    {
        if (finalizers is null)
        {
            return;
        }

        foreach (var f in finalizers)
        {
            errors.InvalidEach(path, f, Names.QualifiedName(f));
        }

        if (finalizers.Contains("orphan") && finalizers.Contains("foregroundDeletion"))
        {
            errors.Invalid(path, new GoValue.Verbatim("[]string{" + string.Join(", ", finalizers.Select(GoValue.Quote)) + "}"),
                "finalizer orphan and foregroundDeletion cannot be both set");
        }
    }
}
