using LocalKube.Abstractions.Drivers;

namespace LocalKube.Drivers.Docker;

/// <summary>
/// The docker driver's health check (minikube: <c>docker version</c> with a 6 s timeout). It walks the same endpoint
/// chain as the driver and reports the same classified reason as <see cref="DriverHealth"/>; it never throws for an
/// unhealthy host (only <see cref="OperationCanceledException"/> when the caller cancels).
/// </summary>
public sealed class DockerDriverProbe(DockerDriverOptions options) : IDriverProbe
{
    /// <inheritdoc />
    public async ValueTask<DriverHealth> ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            var (endpoint, failures) = await DockerEndpointResolver.ResolveAsync(options, cancellationToken).ConfigureAwait(false);
            if (endpoint is not null)
            {
                using (endpoint.Client)
                {
                    return DriverHealth.Ok(endpoint.Version);
                }
            }

            var onPath = DockerEndpointResolver.IsDockerOnPath(options);
            var reason = DockerEndpointResolver.Classify(failures, onPath);
            var installed = onPath || failures.Any(f => f.Kind != DockerFailureKind.Missing);
            return new DriverHealth(installed, false, null, DockerEndpointResolver.Describe(failures), reason.Advice,
                reason.Documentation, reason.Id);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            // A probe reports; it does not fail the caller's driver selection.
            return new DriverHealth(DockerEndpointResolver.IsDockerOnPath(options), false, null, e.Message,
                Abstractions.Errors.Reasons.DockerError.Advice, null, Abstractions.Errors.Reasons.DockerError.Id);
        }
    }
}
