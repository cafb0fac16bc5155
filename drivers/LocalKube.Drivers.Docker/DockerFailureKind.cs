namespace LocalKube.Drivers.Docker;

/// <summary>Why one Docker endpoint could not be used. Ordered from least to most informative.</summary>
internal enum DockerFailureKind
{
    /// <summary>Nothing there: no socket file.</summary>
    Missing = 0,

    /// <summary>Something is there but the daemon does not answer (refused, timed out).</summary>
    NotRunning = 1,

    /// <summary>The daemon answered with an error, or the endpoint is unusable.</summary>
    Error = 2,

    /// <summary>The socket refused this user (EACCES).</summary>
    Permission = 3,
}

/// <summary>One endpoint that was tried and failed.</summary>
/// <param name="Endpoint">What was tried, as shown to the user (e.g. <c>DOCKER_HOST=tcp://...</c>).</param>
/// <param name="Kind">The failure class.</param>
/// <param name="Detail">What went wrong.</param>
internal sealed record DockerEndpointFailure(string Endpoint, DockerFailureKind Kind, string Detail);
