using System.Globalization;
using LocalKube.Node.Machinery;
using Microsoft.Extensions.Options;

namespace LocalKube.Node.Hosting;

/// <summary>
/// The merged component settings (k3s <c>GetArgsList</c>): built-in defaults, overridden by the agent's own flags
/// (as <c>agent.*</c>), overridden by <c>--extra-config</c>, in that order; sorted by key so the startup log is
/// stable and diffable.
/// </summary>
public sealed class NodeSettings
{
    private readonly SortedDictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly List<string> _unknownKeys = [];
    private readonly List<string> _errors = [];

    /// <summary>Merges <paramref name="defaults"/>, the flags and the extra config of <paramref name="options"/>.</summary>
    public NodeSettings(IOptions<NodeAgentOptions> options, IEnumerable<NodeSettingDefault> defaults)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(defaults);
        var definitions = new Dictionary<string, NodeSettingDefault>(StringComparer.Ordinal);
        foreach (var d in defaults)
        {
            _values[d.FullKey] = d.Value;
            definitions[d.FullKey] = d;
        }

        foreach (var (key, value) in options.Value.AsSettings())
        {
            _values[key] = value;
        }

        foreach (var raw in options.Value.ExtraConfig)
        {
            // Malformed entries were rejected by validation; skip defensively rather than fail twice.
            if (ExtraConfigEntry.TryParse(raw, out var entry, out _))
            {
                if (!_values.ContainsKey(entry!.FullKey))
                {
                    _unknownKeys.Add(entry.FullKey);
                }

                _values[entry.FullKey] = entry.Value;
                if (definitions.TryGetValue(entry.FullKey, out var definition) && definition.Check(entry.Value) is { } problem)
                {
                    _errors.Add($"{ExtraConfigEntry.Flag} {entry.FullKey}={entry.Value}: {problem}");
                }
            }
        }
    }

    /// <summary>The <c>--extra-config</c> values that do not fit their setting's type, each naming its key.</summary>
    public IReadOnlyList<string> Errors => _errors;

    /// <summary>Every setting, sorted by key.</summary>
    public IReadOnlyDictionary<string, string> All => _values;

    /// <summary><c>--extra-config</c> keys that no component declared: kept, but worth a warning.</summary>
    public IReadOnlyList<string> UnknownKeys => _unknownKeys;

    /// <summary>The value of <c>component.key</c>, or null.</summary>
    public string? Get(NodeComponent component, string key) =>
        _values.TryGetValue($"{component.Name}.{key}", out var value) ? value : null;

    /// <summary>A <see cref="NodeSettingKind.Duration"/> setting (checked at start), or null when unset or empty.</summary>
    public TimeSpan? GetDuration(NodeComponent component, string key) =>
        Get(component, key) is { Length: > 0 } text ? GoDuration.Parse(text) : null;

    /// <summary>A <see cref="NodeSettingKind.Boolean"/> setting (checked at start), or null when unset or empty.</summary>
    public bool? GetBoolean(NodeComponent component, string key) =>
        Get(component, key) is { Length: > 0 } text ? bool.Parse(text) : null;

    /// <summary>An <see cref="NodeSettingKind.Integer"/> setting (checked at start), or null when unset or empty.</summary>
    public long? GetInteger(NodeComponent component, string key) =>
        Get(component, key) is { Length: > 0 } text ? long.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : null;

    /// <summary>The items of a comma-separated setting, trimmed (none when unset).</summary>
    public IReadOnlyList<string> GetList(NodeComponent component, string key) => NodeSettingDefault.Split(Get(component, key));

    /// <summary>The settings as one <c>key=value</c> per entry, sorted, for the startup log.</summary>
    public string Describe() => string.Join(' ', _values.Select(kv => $"{kv.Key}={kv.Value}"));
}
