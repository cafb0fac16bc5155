namespace LocalKube.Node.ApiServer.Catalog.Validation;

// Labels and annotations of nested metadata that Validate does not see: pod template labels and annotations,
// selector labels, node selectors. They differ from the object-metadata checks in small ways, kept as they are:
// entries are visited in key order (not the request's), values are quoted with GoValue (not StatusCauses), and the
// annotation total counts UTF-16 characters where upstream (and Validate) counts UTF-8 bytes.
public static partial class MetaValidation
{
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
}
