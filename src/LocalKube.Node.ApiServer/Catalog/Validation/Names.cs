using System.Text.RegularExpressions;

namespace LocalKube.Node.ApiServer.Catalog.Validation;

/// <summary>
/// Upstream's syntax checks (apimachinery <c>util/validation</c>), each returning the list of upstream messages
/// for a bad value (empty when valid). The rules the REST machinery shares live in <see cref="NameValidation"/> and
/// are forwarded here; the catalog-only ones (DNS-1035, ports, env names...) are implemented here.
/// </summary>
public static partial class Names
{
    /// <summary>A name rule: value and whether it is a <c>generateName</c> prefix (a trailing '-' is then fine).</summary>
    public delegate IReadOnlyList<string> Rule(string value, bool prefix);

    private const string Dns1035LabelFmt = "[a-z]([-a-z0-9]*[a-z0-9])?";

    /// <summary>Upstream's regex-help suffix: <c>(e.g. 'a',  or 'b', regex used for validation is '...')</c>.</summary>
    private static string RegexError(string msg, string fmt, params string[] examples) =>
        msg + " (e.g. " + string.Join(",  or ", examples.Select(e => $"'{e}'")) + ", regex used for validation is '" + fmt + "')";

    /// <summary>RFC 1123 label (container names, volume names, namespaces): at most 63 characters.</summary>
    public static IReadOnlyList<string> Dns1123Label(string value) =>
        NameValidation.Dns1123Label(value);

    /// <summary>RFC 1123 subdomain (most object names): at most 253 characters.</summary>
    public static IReadOnlyList<string> Dns1123Subdomain(string value) =>
        NameValidation.Dns1123Subdomain(value);

    /// <summary>RFC 1035 label (service names): starts with a letter, at most 63 characters.</summary>
    public static IReadOnlyList<string> Dns1035Label(string value)
    {
        var errs = new List<string>();
        if (value.Length > 63)
        {
            errs.Add("must be no more than 63 characters");
        }

        if (!Dns1035LabelRegex().IsMatch(value))
        {
            errs.Add(RegexError("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character", Dns1035LabelFmt, "my-name", "abc-123"));
        }

        return errs;
    }

    /// <summary>Object names that must be DNS subdomains (the default).</summary>
    public static IReadOnlyList<string> SubdomainName(string value, bool prefix) => Dns1123Subdomain(prefix ? MaskTrailingDash(value) : value);

    /// <summary>Object names that must be DNS labels.</summary>
    public static IReadOnlyList<string> LabelName(string value, bool prefix) => Dns1123Label(prefix ? MaskTrailingDash(value) : value);

    /// <summary>Object names that must be DNS-1035 labels (services).</summary>
    public static IReadOnlyList<string> Dns1035Name(string value, bool prefix) => Dns1035Label(prefix ? MaskTrailingDash(value) : value);

    /// <summary>Names that only need to be a valid URL path segment (RBAC objects).</summary>
    public static IReadOnlyList<string> PathSegmentName(string value, bool prefix) =>
        NameValidation.NameIsPathSegment(value, prefix).ToList();

    /// <summary>A qualified name (label and annotation keys): optional DNS-subdomain prefix and '/', then a name part.</summary>
    public static IReadOnlyList<string> QualifiedName(string value) =>
        NameValidation.QualifiedName(value);

    /// <summary>A label value: empty, or a qualified-name-like word of at most 63 characters.</summary>
    public static IReadOnlyList<string> LabelValue(string value) =>
        NameValidation.LabelValue(value);

    /// <summary>An IANA service name (container and service port names).</summary>
    public static IReadOnlyList<string> PortName(string value)
    {
        var errs = new List<string>();
        if (value.Length > 15)
        {
            errs.Add("must be no more than 15 characters");
        }

        if (!PortNameCharsRegex().IsMatch(value))
        {
            errs.Add("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
        }

        if (!value.Any(char.IsAsciiLetter))
        {
            errs.Add("must contain at least one letter (a-z)");
        }

        if (value.Contains("--", StringComparison.Ordinal))
        {
            errs.Add("must not contain consecutive hyphens");
        }

        if (value.StartsWith('-') || value.EndsWith('-'))
        {
            errs.Add("must not begin or end with a hyphen");
        }

        return errs;
    }

    /// <summary>A port number, 1 to 65535.</summary>
    public static IReadOnlyList<string> PortNumber(int port) =>
        port is >= 1 and <= 65535 ? [] : ["must be between 1 and 65535, inclusive"];

    /// <summary>An environment variable name (relaxed rule of 1.32: printable ASCII except '=').</summary>
    public static IReadOnlyList<string> EnvVarName(string value) =>
        value.Length > 0 && value.All(c => c is >= ' ' and <= '~' && c != '=')
            ? []
            : ["a valid environment variable name must consist only of printable ASCII characters other than '='"];

    /// <summary>An IPv4 or IPv6 address.</summary>
    public static bool IsIp(string value) => System.Net.IPAddress.TryParse(value, out _) && (value.Contains('.') || value.Contains(':'));

    private static string MaskTrailingDash(string name) =>
        name.Length > 1 && name.EndsWith('-') ? name[..^1] + "a" : name;

    [GeneratedRegex("^" + Dns1035LabelFmt + "$")]
    private static partial Regex Dns1035LabelRegex();

    [GeneratedRegex("^[-a-z0-9]+$")]
    private static partial Regex PortNameCharsRegex();
}
