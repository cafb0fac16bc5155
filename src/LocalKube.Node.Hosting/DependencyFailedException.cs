namespace LocalKube.Node.Hosting;

/// <summary>Thrown to a component that waits on a dependency which failed.</summary>
public sealed class DependencyFailedException : Exception
{
    /// <summary>Creates the exception for the failed <paramref name="dependency"/>.</summary>
    public DependencyFailedException(NodeComponent dependency, Exception innerException)
        : base($"component {dependency} failed: {innerException.Message}", innerException)
    {
        Dependency = dependency;
    }

    /// <summary>The component that failed.</summary>
    public NodeComponent Dependency { get; }
}
