using System.Text.RegularExpressions;

namespace LocalKube.Node.Machinery.Validation;

/// <summary>
/// Upstream's name rules (apimachinery <c>util/validation</c>): DNS-1123 labels and subdomains, qualified names (label
/// and annotation keys) and label values. Each check returns the problems as upstream words them, empty when valid.
/// </summary>
public static partial class NameValidation
{
    /// <summary>Longest DNS-1123 label.</summary>
    public const int Dns1123LabelMaxLength = 63;

    /// <summary>Longest DNS-1123 subdomain.</summary>
    public const int Dns1123SubdomainMaxLength = 253;

    /// <summary>Longest qualified-name name part and label value.</summary>
    public const int QualifiedNameMaxLength = 63;

    private const string LabelFormat = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private const string SubdomainFormat = LabelFormat + "(\\." + LabelFormat + ")*";
    private const string QualifiedNameFormat = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    private const string LabelValueFormat = "(" + QualifiedNameFormat + ")?";
    private const string QualifiedNameMessage = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

    /// <summary>Whether <paramref name="value"/> is a DNS-1123 label (namespaces, services...).</summary>
    public static bool IsDns1123Label(string value) => Dns1123Label(value).Count == 0;

    /// <summary>Whether <paramref name="value"/> is a DNS-1123 subdomain (most object names).</summary>
    public static bool IsDns1123Subdomain(string value) => Dns1123Subdomain(value).Count == 0;

    /// <summary>Problems with <paramref name="value"/> as a DNS-1123 label.</summary>
    public static IReadOnlyList<string> Dns1123Label(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var errors = new List<string>();
        if (value.Length > Dns1123LabelMaxLength)
        {
            errors.Add(MaxLength(Dns1123LabelMaxLength));
        }

        if (!LabelRegex().IsMatch(value))
        {
            errors.Add(RegexError(
                "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
                LabelFormat, "my-name", "123-abc"));
        }

        return errors;
    }

    /// <summary>Problems with <paramref name="value"/> as a DNS-1123 subdomain.</summary>
    public static IReadOnlyList<string> Dns1123Subdomain(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var errors = new List<string>();
        if (value.Length > Dns1123SubdomainMaxLength)
        {
            errors.Add(MaxLength(Dns1123SubdomainMaxLength));
        }

        if (!SubdomainRegex().IsMatch(value))
        {
            errors.Add(RegexError(
                "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
                SubdomainFormat, "example.com"));
        }

        return errors;
    }

    /// <summary>
    /// Upstream's <c>NameIsDNSSubdomain</c>: a name rule for object metadata validation; with
    /// <paramref name="prefix"/> (a generateName) a trailing dash is allowed.
    /// </summary>
    public static IEnumerable<string> NameIsDns1123Subdomain(string name, bool prefix) => Dns1123Subdomain(prefix ? MaskTrailingDash(name) : name);

    /// <summary>Upstream's <c>NameIsDNSLabel</c> (namespaces, services).</summary>
    public static IEnumerable<string> NameIsDns1123Label(string name, bool prefix) => Dns1123Label(prefix ? MaskTrailingDash(name) : name);

    /// <summary>Upstream's path-segment rule (names that only must not be <c>.</c>, <c>..</c> or contain <c>/</c> or <c>%</c>).</summary>
    public static IEnumerable<string> NameIsPathSegment(string name, bool prefix)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!prefix && name is "." or "..")
        {
            yield return $"may not be '{name}'";
        }

        foreach (var illegal in new[] { "/", "%" })
        {
            if (name.Contains(illegal, StringComparison.Ordinal))
            {
                yield return $"may not contain '{illegal}'";
            }
        }
    }

    /// <summary>Problems with <paramref name="value"/> as a qualified name (<c>[prefix/]name</c>: label and annotation keys).</summary>
    public static IReadOnlyList<string> QualifiedName(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var errors = new List<string>();
        var parts = value.Split('/');
        string name;
        switch (parts.Length)
        {
            case 1:
                name = parts[0];
                break;
            case 2:
                name = parts[1];
                if (parts[0].Length == 0)
                {
                    errors.Add("prefix part must be non-empty");
                }
                else
                {
                    errors.AddRange(Dns1123Subdomain(parts[0]).Select(m => "prefix part " + m));
                }

                break;
            default:
                return [RegexError("a qualified name " + QualifiedNameMessage, QualifiedNameFormat, "MyName", "my.name", "123-abc")
                    + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"];
        }

        if (name.Length == 0)
        {
            errors.Add("name part must be non-empty");
        }
        else if (name.Length > QualifiedNameMaxLength)
        {
            errors.Add("name part " + MaxLength(QualifiedNameMaxLength));
        }

        if (name.Length > 0 && !QualifiedNameRegex().IsMatch(name))
        {
            errors.Add("name part " + RegexError(QualifiedNameMessage, QualifiedNameFormat, "MyName", "my.name", "123-abc"));
        }

        return errors;
    }

    /// <summary>Problems with <paramref name="value"/> as a label value (may be empty).</summary>
    public static IReadOnlyList<string> LabelValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var errors = new List<string>();
        if (value.Length > QualifiedNameMaxLength)
        {
            errors.Add(MaxLength(QualifiedNameMaxLength));
        }

        if (!LabelValueRegex().IsMatch(value))
        {
            errors.Add(RegexError(
                "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
                LabelValueFormat, "MyValue", "my_value", "12345"));
        }

        return errors;
    }

    /// <summary>Upstream's <c>MaxLenError</c>.</summary>
    public static string MaxLength(int length) => $"must be no more than {length} characters";

    /// <summary>Upstream's <c>RegexError</c>, double space before "or" included.</summary>
    public static string RegexError(string message, string format, params string[] examples)
    {
        if (examples.Length == 0)
        {
            return message + " (regex used for validation is '" + format + "')";
        }

        var text = message + " (e.g. ";
        for (var i = 0; i < examples.Length; i++)
        {
            if (i > 0)
            {
                text += " or ";
            }

            text += "'" + examples[i] + "', ";
        }

        return text + "regex used for validation is '" + format + "')";
    }

    // generateName "foo-" must validate as a name: upstream swaps the trailing dash for a letter.
    private static string MaskTrailingDash(string name) => name.Length > 1 && name.EndsWith('-') ? name[..^2] + "a" : name;

    [GeneratedRegex("^" + LabelFormat + "\\z")]
    private static partial Regex LabelRegex();

    [GeneratedRegex("^" + SubdomainFormat + "\\z")]
    private static partial Regex SubdomainRegex();

    [GeneratedRegex("^" + QualifiedNameFormat + "\\z")]
    private static partial Regex QualifiedNameRegex();

    [GeneratedRegex("^" + LabelValueFormat + "\\z")]
    private static partial Regex LabelValueRegex();
}
