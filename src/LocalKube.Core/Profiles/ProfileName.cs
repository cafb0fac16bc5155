using System.Collections.Frozen;
using LocalKube.Abstractions.Errors;

namespace LocalKube.Core.Profiles;

/// <summary>Rules for profile names: a DNS-1123 label that is not a command name.</summary>
public static class ProfileName
{
    /// <summary>The profile used when <c>-p</c> is not given.</summary>
    public const string Default = "localkube";

    /// <summary>The longest allowed name (a DNS label; it also names containers, volumes and kubeconfig entries).</summary>
    public const int MaxLength = 63;

    /// <summary>
    /// Names that collide with commands: minikube's list (start ... logs) plus LocalKube's own top-level commands,
    /// so that <c>localkube -p status</c> never reads ambiguously.
    /// </summary>
    public static FrozenSet<string> Reserved { get; } = FrozenSet.ToFrozenSet(
    [
        "start", "stop", "status", "delete", "config", "open", "profile", "addons", "cache", "logs",
        "ip", "version", "kubectl", "update-context", "dashboard", "node", "service",
    ], StringComparer.Ordinal);

    /// <summary>True when <paramref name="name"/> is a usable profile name.</summary>
    public static bool IsValid(string? name) => Check(name) is null;

    /// <summary>Throws unless <paramref name="name"/> is a usable profile name.</summary>
    /// <exception cref="LocalKubeException"><see cref="Reasons.ProfileNameInvalid"/> naming the broken rule.</exception>
    public static void Validate(string? name)
    {
        var problem = Check(name);
        if (problem is not null)
        {
            throw new LocalKubeException(Reasons.ProfileNameInvalid, $"Invalid profile name '{name}' (-p/--profile): {problem}. A profile name must be a DNS-1123 label and not a reserved word.");
        }
    }

    /// <summary>Returns the first rule <paramref name="name"/> breaks, or null when it is valid.</summary>
    public static string? Check(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "it is empty";
        }

        if (name.Length > MaxLength)
        {
            return $"it is {name.Length} characters long, the limit is {MaxLength}";
        }

        foreach (var c in name)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
            {
                return char.IsUpper(c)
                    ? $"it contains the upper-case letter '{c}'; only lower-case letters, digits and '-' are allowed"
                    : $"it contains '{c}'; only lower-case letters, digits and '-' are allowed";
            }
        }

        if (name[0] == '-' || name[^1] == '-')
        {
            return "it must start and end with a letter or digit";
        }

        if (Reserved.Contains(name))
        {
            return "it is reserved (a command name); pick another name";
        }

        return null;
    }
}
