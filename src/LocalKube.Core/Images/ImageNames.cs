namespace LocalKube.Core.Images;

/// <summary>Docker's short image names, spelled out with their registry as the CRI (and so minikube) lists them.</summary>
public static class ImageNames
{
    /// <summary><c>nginx:1</c> → <c>docker.io/library/nginx:1</c>, <c>me/app</c> → <c>docker.io/me/app</c>; names with a registry stay.</summary>
    public static string WithRegistry(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return "docker.io/library/" + name;
        }

        var first = name[..slash];
        var isRegistry = first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost";
        return isRegistry ? name : "docker.io/" + name;
    }
}
