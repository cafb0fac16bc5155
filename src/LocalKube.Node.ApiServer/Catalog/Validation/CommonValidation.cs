using k8s.Models;

namespace LocalKube.Node.ApiServer.Catalog.Validation;

/// <summary>Small upstream checks shared by many kinds (non-negative numbers, immutable fields, label selectors).</summary>
public static class CommonValidation
{
    /// <summary>The label selector operators upstream accepts in <c>matchExpressions</c>.</summary>
    public static readonly IReadOnlyList<string> SelectorOperators = ["In", "NotIn", "Exists", "DoesNotExist"];

    /// <summary>"must be greater than or equal to 0".</summary>
    public static void NonNegative(long? value, FieldPath path, FieldErrors errors)
    {
        if (value < 0)
        {
            errors.Invalid(path, value.Value, "must be greater than or equal to 0");
        }
    }

    /// <summary>"must be greater than 0".</summary>
    public static void Positive(long? value, FieldPath path, FieldErrors errors)
    {
        if (value <= 0)
        {
            errors.Invalid(path, value.Value, "must be greater than 0");
        }
    }

    /// <summary>"field is immutable" when the JSON forms of the new and old values differ.</summary>
    public static void Immutable(object? value, object? old, FieldPath path, FieldErrors errors, object? shownValue = null)
    {
        if (!Json.SemanticEquals(value, old))
        {
            errors.Invalid(path, shownValue ?? value ?? new GoValue.Verbatim("null"), "field is immutable");
        }
    }

    /// <summary>Upstream's <c>ValidateLabelSelector</c>: operators, values and the syntax of keys and values.</summary>
    public static void LabelSelector(V1LabelSelector? selector, FieldPath path, FieldErrors errors)
    {
        if (selector is null)
        {
            return;
        }

        var expressions = selector.MatchExpressions ?? [];
        for (var i = 0; i < expressions.Count; i++)
        {
            var r = expressions[i];
            var p = path.Child("matchExpressions").Index(i);
            switch (r.OperatorProperty)
            {
                case "In" or "NotIn":
                    if (r.Values is null || r.Values.Count == 0)
                    {
                        errors.Required(p.Child("values"), "must be specified when `operator` is 'In' or 'NotIn'");
                    }

                    break;
                case "Exists" or "DoesNotExist":
                    if (r.Values is { Count: > 0 })
                    {
                        errors.Forbidden(p.Child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
                    }

                    break;
                default:
                    errors.Invalid(p.Child("operator"), r.OperatorProperty ?? "", "not a valid selector operator");
                    break;
            }

            errors.InvalidEach(p.Child("key"), r.Key ?? "", Names.QualifiedName(r.Key ?? ""));
        }

        MetaValidation.Labels(selector.MatchLabels, path.Child("matchLabels"), errors);
    }

    /// <summary>A plain map selector (services, replication controllers): label syntax for keys and values.</summary>
    public static void MapSelector(IDictionary<string, string>? selector, FieldPath path, FieldErrors errors) =>
        MetaValidation.Labels(selector, path, errors);

    /// <summary>An int-or-percent (e.g. <c>maxSurge</c>): an integer, or digits followed by '%'.</summary>
    public static bool IsIntOrPercent(IntOrString? value, out int number, out bool percent)
    {
        number = 0;
        percent = false;
        if (value?.Value is not { } s)
        {
            return true;
        }

        if (int.TryParse(s, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out number))
        {
            return true;
        }

        percent = true;
        return s.EndsWith('%') && int.TryParse(s[..^1], System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out number);
    }

    /// <summary>Upstream's int-or-percent rules: non-negative, a valid percent, not over 100% when capped.</summary>
    public static void IntOrPercent(IntOrString? value, FieldPath path, FieldErrors errors, bool capAt100 = false)
    {
        if (value is null)
        {
            return;
        }

        if (!IsIntOrPercent(value, out var n, out var percent))
        {
            errors.Invalid(path, value.Value, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')");
            return;
        }

        if (n < 0)
        {
            errors.Invalid(path, percent ? value.Value : n, "must be greater than or equal to 0");
        }

        if (capAt100 && percent && n > 100)
        {
            errors.Invalid(path, value.Value, "must not be greater than 100%");
        }
    }
}
