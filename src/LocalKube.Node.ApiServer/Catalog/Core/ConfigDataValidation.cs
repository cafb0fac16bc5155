using System.Text.RegularExpressions;
using LocalKube.Node.ApiServer.Catalog.Validation;

namespace LocalKube.Node.ApiServer.Catalog.Core;

/// <summary>Rules shared by ConfigMaps and Secrets: key syntax, total size, and the <c>immutable</c> flag.</summary>
/// <remarks>Bad keys are quoted as <see cref="StatusCauses"/> quotes them, not as <see cref="GoValue"/> does (they differ for DEL and C1 characters).</remarks>
public static partial class ConfigDataValidation
{
    /// <summary>Largest total data (upstream's MaxSecretSize, also used for ConfigMaps).</summary>
    public const int MaxDataBytes = 1024 * 1024;

    /// <summary>Upstream's <c>IsConfigMapKey</c> problems with <paramref name="key"/>.</summary>
    public static IEnumerable<string> KeyErrors(string key)
    {
        if (key.Length > NameValidation.Dns1123SubdomainMaxLength)
        {
            yield return NameValidation.MaxLength(NameValidation.Dns1123SubdomainMaxLength);
        }

        if (!KeyRegex().IsMatch(key))
        {
            yield return NameValidation.RegexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", "[-._a-zA-Z0-9]+", "key.name", "KEY_NAME", "key-name");
        }

        if (key == ".")
        {
            yield return "must not be '.'";
        }
        else if (key == "..")
        {
            yield return "must not be '..'";
        }
        else if (key.StartsWith("..", StringComparison.Ordinal))
        {
            yield return "must not start with '..'";
        }
    }

    /// <summary>Validates the keys of one data map at <paramref name="path"/> (causes at <c>data[key]</c>).</summary>
    public static void Keys<T>(IDictionary<string, T>? data, FieldPath path, FieldErrors errors)
    {
        foreach (var key in data?.Keys ?? [])
        {
            foreach (var message in KeyErrors(key))
            {
                errors.Add(StatusCauses.Invalid(path.Key(key).ToString(), key, message));
            }
        }
    }

    /// <summary>The <c>immutable</c> rules of an update.</summary>
    public static void Immutable(bool? wasImmutable, bool? isImmutable, bool dataChanged, bool binaryChanged, FieldErrors errors)
    {
        if (wasImmutable != true)
        {
            return;
        }

        if (isImmutable != true)
        {
            errors.Forbidden(FieldPath.Root("immutable"), "field is immutable when `immutable` is set");
        }

        if (dataChanged)
        {
            errors.Forbidden(FieldPath.Root("data"), "field is immutable when `immutable` is set");
        }

        if (binaryChanged)
        {
            errors.Forbidden(FieldPath.Root("binaryData"), "field is immutable when `immutable` is set");
        }
    }

    /// <summary>Whether two maps hold the same entries.</summary>
    public static bool SameMap<T>(IDictionary<string, T>? a, IDictionary<string, T>? b, Func<T, T, bool> equal)
    {
        var left = a ?? new Dictionary<string, T>();
        var right = b ?? new Dictionary<string, T>();
        return left.Count == right.Count && left.All(kv => right.TryGetValue(kv.Key, out var v) && equal(kv.Value, v));
    }

    [GeneratedRegex("^[-._a-zA-Z0-9]+\\z")]
    private static partial Regex KeyRegex();
}
