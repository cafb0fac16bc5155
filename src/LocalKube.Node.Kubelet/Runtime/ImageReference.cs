using System.Text.RegularExpressions;

namespace LocalKube.Node.Kubelet.Runtime;

/// <summary>
/// A parsed image reference (the distribution/reference grammar): <c>[domain/]path[:tag][@digest]</c>, normalized as
/// Docker does (<c>busybox</c> → <c>docker.io/library/busybox</c>). Used for pulls, the default pull policy and
/// <c>InvalidImageName</c>.
/// </summary>
public sealed partial record ImageReference(string Domain, string Path, string? Tag, string? Digest)
{
    /// <summary>Docker Hub's domain.</summary>
    public const string DefaultDomain = "docker.io";

    /// <summary>The repository without the domain shortening: <c>docker.io/library/busybox</c>.</summary>
    public string Repository => $"{Domain}/{Path}";

    /// <summary>The repository as Docker names it locally (<c>busybox</c>, <c>example.com/app</c>).</summary>
    public string FamiliarRepository =>
        Domain == DefaultDomain ? (Path.StartsWith("library/", StringComparison.Ordinal) ? Path["library/".Length..] : Path) : Repository;

    /// <summary>True when the reference has neither a tag nor a digest, or its tag is <c>latest</c>.</summary>
    public bool IsLatest => Digest is null && (Tag is null || Tag == "latest");

    /// <summary>The reference with <c>:latest</c> added when it has neither tag nor digest (kubelet's applyDefaultImageTag).</summary>
    public string WithDefaultTag() =>
        FamiliarRepository + (Tag is not null ? ":" + Tag : Digest is null ? ":latest" : "") + (Digest is not null ? "@" + Digest : "");

    /// <summary>Parses <paramref name="text"/>; false with Docker's reason when it is not a valid reference.</summary>
    public static bool TryParse(string text, out ImageReference? reference, out string error)
    {
        reference = null;
        error = "";
        if (string.IsNullOrEmpty(text))
        {
            error = "invalid reference format";
            return false;
        }

        var match = ReferencePattern().Match(text);
        if (!match.Success)
        {
            error = text.Any(char.IsUpper) && ReferencePattern().IsMatch(text.ToLowerInvariant())
                ? "invalid reference format: repository name must be lowercase"
                : "invalid reference format";
            return false;
        }

        var name = match.Groups["name"].Value;
        if (name.Length > 255)
        {
            error = "invalid reference format: repository name must not be more than 255 characters";
            return false;
        }

        var tag = match.Groups["tag"].Success ? match.Groups["tag"].Value : null;
        var digest = match.Groups["digest"].Success ? match.Groups["digest"].Value : null;
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        string domain;
        string path;
        if (slash < 0)
        {
            (domain, path) = (DefaultDomain, "library/" + name);
        }
        else
        {
            var first = name[..slash];
            if (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost"
                || first.Any(char.IsUpper))
            {
                (domain, path) = (first, name[(slash + 1)..]);
            }
            else
            {
                (domain, path) = (DefaultDomain, name);
            }
        }

        if (domain == "index.docker.io")
        {
            domain = DefaultDomain;
        }

        if (path.Any(char.IsUpper))
        {
            error = "invalid reference format: repository name must be lowercase";
            return false;
        }

        if (domain == DefaultDomain && !path.Contains('/', StringComparison.Ordinal))
        {
            path = "library/" + path;
        }

        reference = new ImageReference(domain, path, tag, digest);
        return true;
    }

    // name: optional domain (letters, digits, '-', '.', optional :port), then lower-case path components separated by
    // '/', each alphanumeric runs joined by '.', '_', '__' or dashes. Then :tag and @algorithm:hex.
    [GeneratedRegex(
        @"^(?<name>(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?/)?[a-zA-Z0-9]+(?:(?:[._]|__|[-]+)[a-zA-Z0-9]+)*(?:/[a-zA-Z0-9]+(?:(?:[._]|__|[-]+)[a-zA-Z0-9]+)*)*)"
        + @"(?::(?<tag>[\w][\w.-]{0,127}))?(?:@(?<digest>[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$",
        RegexOptions.CultureInvariant)]
    private static partial Regex ReferencePattern();
}
