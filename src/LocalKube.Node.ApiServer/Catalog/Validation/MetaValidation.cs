using System.Globalization;
using System.Text;
using k8s.Models;

namespace LocalKube.Node.ApiServer.Catalog.Validation;

/// <summary>
/// Upstream's object-metadata validation (apimachinery <c>api/validation/objectmeta.go</c> and
/// <c>apis/meta/v1/validation</c>): names, namespace, generation, labels, annotations (256 KiB in total), finalizers,
/// owner references and the fields an update may not change. <see cref="ResourceStrategy{T}"/> runs it for every
/// kind before the kind's own rules; causes are worded as upstream so kubectl prints the familiar text.
/// </summary>
public static partial class MetaValidation
{
    /// <summary>Upstream's cap on the total size of all annotation keys and values.</summary>
    public const int TotalAnnotationSizeLimit = 256 * 1024;

    private static readonly HashSet<string> StandardFinalizers = ["kubernetes", "orphan", "foregroundDeletion"];

    private static readonly FieldPath Metadata = FieldPath.Root("metadata");

    /// <summary>Validates the <c>metadata</c> of a new object.</summary>
    /// <param name="meta">The metadata (null counts as empty).</param>
    /// <param name="namespaced">Whether the kind lives in a namespace (then it is required, else forbidden).</param>
    /// <param name="nameRule">The kind's name rule; its bool is "this is a generateName prefix".</param>
    /// <param name="errors">Where the causes go.</param>
    public static void Validate(V1ObjectMeta? meta, bool namespaced, Names.Rule nameRule, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(nameRule);
        ArgumentNullException.ThrowIfNull(errors);
        meta ??= new V1ObjectMeta();
        if (!string.IsNullOrEmpty(meta.GenerateName))
        {
            InvalidEach(errors, Metadata.Child("generateName"), meta.GenerateName, nameRule(meta.GenerateName, true));
        }

        if (string.IsNullOrEmpty(meta.Name))
        {
            errors.Required(Metadata.Child("name"), "name or generateName is required");
        }
        else
        {
            InvalidEach(errors, Metadata.Child("name"), meta.Name, nameRule(meta.Name, false));
        }

        if (namespaced)
        {
            if (string.IsNullOrEmpty(meta.NamespaceProperty))
            {
                errors.Required(Metadata.Child("namespace"));
            }
            else
            {
                InvalidEach(errors, Metadata.Child("namespace"), meta.NamespaceProperty, Names.Dns1123Label(meta.NamespaceProperty));
            }
        }
        else if (!string.IsNullOrEmpty(meta.NamespaceProperty))
        {
            errors.Forbidden(Metadata.Child("namespace"), "not allowed on this type");
        }

        if (meta.Generation is < 0)
        {
            errors.Invalid(Metadata.Child("generation"), meta.Generation.Value, "must be greater than or equal to 0");
        }

        ObjectLabels(meta.Labels, Metadata.Child("labels"), errors);
        ObjectAnnotations(meta.Annotations, Metadata.Child("annotations"), errors);
        Finalizers(meta.Finalizers, Metadata.Child("finalizers"), errors);
        OwnerReferences(meta.OwnerReferences, Metadata.Child("ownerReferences"), errors);
    }

    /// <summary>
    /// Validates the <c>metadata</c> of an update: everything <see cref="Validate"/> checks, plus name, namespace,
    /// uid and creationTimestamp may not change.
    /// </summary>
    public static void ValidateUpdate(V1ObjectMeta? meta, V1ObjectMeta? old, bool namespaced, Names.Rule nameRule, FieldErrors errors)
    {
        meta ??= new V1ObjectMeta();
        old ??= new V1ObjectMeta();
        Validate(meta, namespaced, nameRule, errors);
        if (meta.Name != old.Name)
        {
            Invalid(errors, Metadata.Child("name"), meta.Name, "field is immutable");
        }

        if (meta.NamespaceProperty != old.NamespaceProperty)
        {
            Invalid(errors, Metadata.Child("namespace"), meta.NamespaceProperty, "field is immutable");
        }

        if (meta.Uid != old.Uid)
        {
            Invalid(errors, Metadata.Child("uid"), meta.Uid, "field is immutable");
        }

        if (meta.CreationTimestamp != old.CreationTimestamp)
        {
            Invalid(errors, Metadata.Child("creationTimestamp"), meta.CreationTimestamp?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss +0000 UTC", CultureInfo.InvariantCulture), "field is immutable");
        }
    }

    // Label keys (qualified names) and values (≤ 63 characters), in the request's order, as upstream's ValidateLabels.
    private static void ObjectLabels(IDictionary<string, string>? labels, FieldPath path, FieldErrors errors)
    {
        foreach (var (key, value) in labels ?? new Dictionary<string, string>())
        {
            InvalidEach(errors, path, key, Names.QualifiedName(key));
            InvalidEach(errors, path, value, Names.LabelValue(value ?? ""));
        }
    }

    // Annotation keys (qualified names, case-insensitive) and a 256 KiB total in UTF-8 bytes, as upstream's ValidateAnnotations.
    private static void ObjectAnnotations(IDictionary<string, string>? annotations, FieldPath path, FieldErrors errors)
    {
        if (annotations is null)
        {
            return;
        }

        long total = 0;
        foreach (var (key, value) in annotations)
        {
            InvalidEach(errors, path, key, Names.QualifiedName(key.ToLowerInvariant()));
            total += Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(value ?? "");
        }

        if (total > TotalAnnotationSizeLimit)
        {
            errors.TooLong(path, TotalAnnotationSizeLimit);
        }
    }

    // Finalizers: qualified names, and either standard (kubernetes, orphan, foregroundDeletion) or with a prefix.
    private static void Finalizers(IList<string>? finalizers, FieldPath path, FieldErrors errors)
    {
        var hasOrphan = false;
        var hasForeground = false;
        foreach (var finalizer in finalizers ?? [])
        {
            var messages = Names.QualifiedName(finalizer ?? "");
            InvalidEach(errors, path, finalizer, messages);
            if (messages.Count == 0 && !finalizer!.Contains('/', StringComparison.Ordinal) && !StandardFinalizers.Contains(finalizer))
            {
                Invalid(errors, path, finalizer, "name is neither a standard finalizer name nor is it fully qualified");
            }

            hasOrphan |= finalizer == "orphan";
            hasForeground |= finalizer == "foregroundDeletion";
        }

        if (hasOrphan && hasForeground)
        {
            Invalid(errors, path, "[orphan foregroundDeletion]", "finalizer orphan and foregroundDeletion cannot be both set");
        }
    }

    // Owner references: apiVersion, kind, name and uid are required; at most one controller.
    private static void OwnerReferences(IList<V1OwnerReference>? owners, FieldPath path, FieldErrors errors)
    {
        var controllers = 0;
        foreach (var owner in owners ?? [])
        {
            if (string.IsNullOrEmpty(owner.ApiVersion) || string.IsNullOrEmpty(owner.Kind))
            {
                Invalid(errors, path, owner.ApiVersion + "/" + owner.Kind, "version must not be empty");
            }

            if (string.IsNullOrEmpty(owner.Name))
            {
                Invalid(errors, path.Child("name"), owner.Name ?? "", "name must not be empty");
            }

            if (string.IsNullOrEmpty(owner.Uid))
            {
                Invalid(errors, path.Child("uid"), owner.Uid ?? "", "uid must not be empty");
            }

            controllers += owner.Controller == true ? 1 : 0;
        }

        if (controllers > 1)
        {
            Invalid(errors, path, "[...]", "Only one reference can have Controller set to true");
        }
    }

    private static void InvalidEach(FieldErrors errors, FieldPath path, string? value, IEnumerable<string> messages)
    {
        foreach (var message in messages)
        {
            Invalid(errors, path, value, message);
        }
    }

    // Object metadata quotes values as the REST machinery does (StatusCauses), not as GoValue does: the two differ for
    // DEL and C1 characters, and these messages keep the machinery's form.
    private static void Invalid(FieldErrors errors, FieldPath path, string? value, string detail) =>
        errors.Add(StatusCauses.Invalid(path.ToString(), value, detail));
}
