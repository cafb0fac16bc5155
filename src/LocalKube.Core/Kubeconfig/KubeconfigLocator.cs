namespace LocalKube.Core.Kubeconfig;

/// <summary>Finds the kubeconfig file the way kubectl does.</summary>
public static class KubeconfigLocator
{
    /// <summary>The variable kubectl reads.</summary>
    public const string Variable = "KUBECONFIG";

    /// <summary>
    /// The first non-empty entry of <c>$KUBECONFIG</c> (split on the OS path-list separator, ':' on Unix), else
    /// <c>~/.kube/config</c>.
    /// </summary>
    /// <param name="getVariable">Reads an environment variable; defaults to the process environment.</param>
    public static string Resolve(Func<string, string?>? getVariable = null)
    {
        getVariable ??= Environment.GetEnvironmentVariable;
        var list = getVariable(Variable);
        var first = list?.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        if (first is not null)
        {
            return Path.GetFullPath(ExpandHome(first));
        }

        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
    }

    private static string ExpandHome(string path) =>
        path == "~" || path.StartsWith("~/", StringComparison.Ordinal)
            ? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) + path[1..]
            : path;
}
