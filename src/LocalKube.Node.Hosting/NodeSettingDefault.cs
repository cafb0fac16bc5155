using System.Globalization;
using LocalKube.Node.Machinery;

namespace LocalKube.Node.Hosting;

/// <summary>
/// A component setting: its built-in default, overridden by <c>--extra-config component.key=value</c>, and the type
/// its values must have. An override that does not fit stops the agent at start with the key named, never later
/// inside the component. Components register theirs with <see cref="NodeServiceCollectionExtensions.AddNodeSetting"/>
/// (or <see cref="NodeServiceCollectionExtensions.AddNodeSettingDefault"/> for plain text).
/// </summary>
/// <param name="Component">The owning component.</param>
/// <param name="Key">The key inside the component.</param>
/// <param name="Value">The default value.</param>
public sealed record NodeSettingDefault(NodeComponent Component, string Key, string Value)
{
    /// <summary>The value's type (text by default: anything goes).</summary>
    public NodeSettingKind Kind { get; init; } = NodeSettingKind.Text;

    /// <summary>For <see cref="NodeSettingKind.Integer"/>: the smallest value allowed.</summary>
    public long Minimum { get; init; } = long.MinValue;

    /// <summary>For <see cref="NodeSettingKind.Integer"/>: the largest value allowed.</summary>
    public long Maximum { get; init; } = long.MaxValue;

    /// <summary><c>component.key</c>.</summary>
    public string FullKey => $"{Component.Name}.{Key}";

    /// <summary>What is wrong with <paramref name="value"/> for this setting, or null when it fits.</summary>
    public string? Check(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        switch (Kind)
        {
            case NodeSettingKind.Boolean:
                return bool.TryParse(value, out _) ? null : "must be true or false";
            case NodeSettingKind.Integer:
                if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
                {
                    return "must be a whole number";
                }

                return number < Minimum || number > Maximum ? string.Create(CultureInfo.InvariantCulture, $"must be between {Minimum} and {Maximum}") : null;
            case NodeSettingKind.Duration:
                return !GoDuration.TryParse(value.Trim(), out var duration) ? "must be a duration such as 30s, 5m0s or 0"
                    : duration < TimeSpan.Zero ? "must not be negative"
                    : null;
            case NodeSettingKind.UrlList:
                var bad = Split(value).FirstOrDefault(url => !Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps));
                return bad is null ? null : $"'{bad}' is not an http(s) URL";
            default:
                return null;
        }
    }

    /// <summary>The comma-separated items of <paramref name="value"/>, trimmed, empty ones dropped.</summary>
    public static IReadOnlyList<string> Split(string? value) =>
        (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
