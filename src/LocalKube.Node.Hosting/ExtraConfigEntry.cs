namespace LocalKube.Node.Hosting;

/// <summary>One <c>--extra-config component.key=value</c> setting.</summary>
/// <param name="Component">The component prefix, e.g. <c>apiserver</c>.</param>
/// <param name="Key">The setting inside the component, e.g. <c>service-account-issuer</c>.</param>
/// <param name="Value">The value; may be empty.</param>
public sealed record ExtraConfigEntry(string Component, string Key, string Value)
{
    /// <summary>The flag this comes from, for error messages.</summary>
    public const string Flag = "--extra-config";

    /// <summary>The merged-settings key: <c>component.key</c>.</summary>
    public string FullKey => $"{Component}.{Key}";

    /// <summary>Parses <c>component.key=value</c>.</summary>
    /// <returns>False with an error naming the flag when <paramref name="text"/> is malformed.</returns>
    public static bool TryParse(string text, out ExtraConfigEntry? entry, out string? error)
    {
        entry = null;
        error = null;
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        var dot = equals < 0 ? -1 : text.IndexOf('.', 0, equals);
        if (equals < 0 || dot <= 0 || dot == equals - 1)
        {
            error = $"{Flag} '{text}' must look like component.key=value";
            return false;
        }

        var component = text[..dot];
        if (!component.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            error = $"{Flag} '{text}': component '{component}' must be lower-case letters, digits and '-'";
            return false;
        }

        entry = new ExtraConfigEntry(component, text[(dot + 1)..equals].Trim(), text[(equals + 1)..]);
        return true;
    }
}
