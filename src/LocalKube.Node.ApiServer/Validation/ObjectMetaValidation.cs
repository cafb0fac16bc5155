using k8s.Models;

namespace LocalKube.Node.ApiServer.Validation;

/// <summary>
/// Upstream's object-metadata validation (apimachinery <c>api/validation/objectmeta.go</c> and
/// <c>apis/meta/v1/validation</c>): names, namespace, labels, annotations (256 KiB in total), finalizers, owner
/// references and the fields an update may not change. Strategies call it from their <c>ValidateCreate</c> and
/// <c>ValidateUpdate</c>; causes are worded as upstream so kubectl prints the familiar text.
/// </summary>
public static class ObjectMetaValidation
{
    /// <summary>The most bytes all annotations (keys plus values) may take.</summary>
    public const int TotalAnnotationSizeLimitBytes = 256 * 1024;

    private static readonly HashSet<string> StandardFinalizers = ["kubernetes", "orphan", "foregroundDeletion"];

    /// <summary>Validates <paramref name="meta"/> of a new object.</summary>
    /// <param name="meta">The metadata (null counts as empty).</param>
    /// <param name="namespaced">Whether the kind lives in a namespace (then it is required, else forbidden).</param>
    /// <param name="nameValidator">Name rule, e.g. <see cref="NameValidation.NameIsDns1123Subdomain"/>; the bool is "this is a generateName prefix".</param>
    /// <param name="fieldPath">Usually <c>metadata</c>.</param>
    public static List<V1StatusCause> ValidateObjectMeta(
        V1ObjectMeta? meta, bool namespaced, Func<string, bool, IEnumerable<string>> nameValidator, string fieldPath = "metadata")
    {
        ArgumentNullException.ThrowIfNull(nameValidator);
        meta ??= new V1ObjectMeta();
        var errors = new List<V1StatusCause>();
        if (!string.IsNullOrEmpty(meta.GenerateName))
        {
            errors.AddRange(nameValidator(meta.GenerateName, true).Select(m => FieldErrors.Invalid(fieldPath + ".generateName", meta.GenerateName, m)));
        }

        if (string.IsNullOrEmpty(meta.Name))
        {
            errors.Add(FieldErrors.Required(fieldPath + ".name", "name or generateName is required"));
        }
        else
        {
            errors.AddRange(nameValidator(meta.Name, false).Select(m => FieldErrors.Invalid(fieldPath + ".name", meta.Name, m)));
        }

        if (namespaced)
        {
            if (string.IsNullOrEmpty(meta.NamespaceProperty))
            {
                errors.Add(FieldErrors.Required(fieldPath + ".namespace"));
            }
            else
            {
                errors.AddRange(NameValidation.Dns1123Label(meta.NamespaceProperty).Select(m => FieldErrors.Invalid(fieldPath + ".namespace", meta.NamespaceProperty, m)));
            }
        }
        else if (!string.IsNullOrEmpty(meta.NamespaceProperty))
        {
            errors.Add(FieldErrors.Forbidden(fieldPath + ".namespace", "not allowed on this type"));
        }

        if (meta.Generation is < 0)
        {
            errors.Add(FieldErrors.Invalid(fieldPath + ".generation", meta.Generation.Value, "must be greater than or equal to 0"));
        }

        errors.AddRange(ValidateLabels(meta.Labels, fieldPath + ".labels"));
        errors.AddRange(ValidateAnnotations(meta.Annotations, fieldPath + ".annotations"));
        errors.AddRange(ValidateFinalizers(meta.Finalizers, fieldPath + ".finalizers"));
        errors.AddRange(ValidateOwnerReferences(meta.OwnerReferences, fieldPath + ".ownerReferences"));
        return errors;
    }

    /// <summary>
    /// Validates the metadata of an update: everything <see cref="ValidateObjectMeta"/> checks, plus name, namespace,
    /// uid and creationTimestamp may not change.
    /// </summary>
    public static List<V1StatusCause> ValidateObjectMetaUpdate(
        V1ObjectMeta? meta, V1ObjectMeta? old, bool namespaced, Func<string, bool, IEnumerable<string>> nameValidator, string fieldPath = "metadata")
    {
        meta ??= new V1ObjectMeta();
        old ??= new V1ObjectMeta();
        var errors = ValidateObjectMeta(meta, namespaced, nameValidator, fieldPath);
        if (meta.Name != old.Name)
        {
            errors.Add(FieldErrors.Immutable(fieldPath + ".name", meta.Name));
        }

        if (meta.NamespaceProperty != old.NamespaceProperty)
        {
            errors.Add(FieldErrors.Immutable(fieldPath + ".namespace", meta.NamespaceProperty));
        }

        if (meta.Uid != old.Uid)
        {
            errors.Add(FieldErrors.Immutable(fieldPath + ".uid", meta.Uid));
        }

        if (meta.CreationTimestamp != old.CreationTimestamp)
        {
            errors.Add(FieldErrors.Immutable(fieldPath + ".creationTimestamp", meta.CreationTimestamp?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss +0000 UTC", System.Globalization.CultureInfo.InvariantCulture)));
        }

        return errors;
    }

    /// <summary>Label keys (qualified names) and values (≤ 63 characters), as upstream's <c>ValidateLabels</c>.</summary>
    public static IEnumerable<V1StatusCause> ValidateLabels(IDictionary<string, string>? labels, string fieldPath = "metadata.labels")
    {
        if (labels is null)
        {
            yield break;
        }

        foreach (var (key, value) in labels)
        {
            foreach (var message in NameValidation.QualifiedName(key))
            {
                yield return FieldErrors.Invalid(fieldPath, key, message);
            }

            foreach (var message in NameValidation.LabelValue(value ?? ""))
            {
                yield return FieldErrors.Invalid(fieldPath, value, message);
            }
        }
    }

    /// <summary>Annotation keys (qualified names, case-insensitive) and a 256 KiB total, as upstream's <c>ValidateAnnotations</c>.</summary>
    public static IEnumerable<V1StatusCause> ValidateAnnotations(IDictionary<string, string>? annotations, string fieldPath = "metadata.annotations")
    {
        if (annotations is null)
        {
            yield break;
        }

        long total = 0;
        foreach (var (key, value) in annotations)
        {
            foreach (var message in NameValidation.QualifiedName(key.ToLowerInvariant()))
            {
                yield return FieldErrors.Invalid(fieldPath, key, message);
            }

            total += System.Text.Encoding.UTF8.GetByteCount(key) + System.Text.Encoding.UTF8.GetByteCount(value ?? "");
        }

        if (total > TotalAnnotationSizeLimitBytes)
        {
            yield return FieldErrors.TooLong(fieldPath, TotalAnnotationSizeLimitBytes);
        }
    }

    /// <summary>Finalizers: qualified names, and either standard (<c>kubernetes</c>, <c>orphan</c>, <c>foregroundDeletion</c>) or with a prefix.</summary>
    public static IEnumerable<V1StatusCause> ValidateFinalizers(IList<string>? finalizers, string fieldPath = "metadata.finalizers")
    {
        if (finalizers is null)
        {
            yield break;
        }

        var hasOrphan = false;
        var hasForeground = false;
        foreach (var finalizer in finalizers)
        {
            var errors = NameValidation.QualifiedName(finalizer ?? "");
            foreach (var message in errors)
            {
                yield return FieldErrors.Invalid(fieldPath, finalizer, message);
            }

            if (errors.Count == 0 && !finalizer!.Contains('/', StringComparison.Ordinal) && !StandardFinalizers.Contains(finalizer))
            {
                yield return FieldErrors.Invalid(fieldPath, finalizer, "name is neither a standard finalizer name nor is it fully qualified");
            }

            hasOrphan |= finalizer == "orphan";
            hasForeground |= finalizer == "foregroundDeletion";
        }

        if (hasOrphan && hasForeground)
        {
            yield return FieldErrors.Invalid(fieldPath, "[orphan foregroundDeletion]", "finalizer orphan and foregroundDeletion cannot be both set");
        }
    }

    /// <summary>Owner references: apiVersion, kind, name and uid are required; at most one controller.</summary>
    public static IEnumerable<V1StatusCause> ValidateOwnerReferences(IList<V1OwnerReference>? owners, string fieldPath = "metadata.ownerReferences")
    {
        if (owners is null)
        {
            yield break;
        }

        var controllers = 0;
        foreach (var owner in owners)
        {
            if (string.IsNullOrEmpty(owner.ApiVersion) || string.IsNullOrEmpty(owner.Kind))
            {
                yield return FieldErrors.Invalid(fieldPath, owner.ApiVersion + "/" + owner.Kind, "version must not be empty");
            }

            if (string.IsNullOrEmpty(owner.Name))
            {
                yield return FieldErrors.Invalid(fieldPath + ".name", owner.Name ?? "", "name must not be empty");
            }

            if (string.IsNullOrEmpty(owner.Uid))
            {
                yield return FieldErrors.Invalid(fieldPath + ".uid", owner.Uid ?? "", "uid must not be empty");
            }

            controllers += owner.Controller == true ? 1 : 0;
        }

        if (controllers > 1)
        {
            yield return FieldErrors.Invalid(fieldPath, "[...]", "Only one reference can have Controller set to true");
        }
    }
}
