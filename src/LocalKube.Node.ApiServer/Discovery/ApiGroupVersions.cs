namespace LocalKube.Node.ApiServer.Discovery;

/// <summary>An API group and its served versions, most preferred first.</summary>
/// <param name="Name">Group name; empty for the core group.</param>
/// <param name="Versions">Versions in Kubernetes priority order (GA, then beta, then alpha).</param>
public sealed record ApiGroupVersions(string Name, IReadOnlyList<string> Versions)
{
    /// <summary>The preferred (first) version.</summary>
    public string PreferredVersion => Versions[0];
}
