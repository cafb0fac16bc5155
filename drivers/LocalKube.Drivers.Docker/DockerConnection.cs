using Docker.DotNet;

namespace LocalKube.Drivers.Docker;

/// <summary>
/// The driver's lazily-resolved engine client. Resolution happens on first use (not at construction), so registering
/// the driver never touches Docker, and a failed resolution is retried on the next call.
/// </summary>
internal sealed class DockerConnection(DockerDriverOptions options) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private DockerEndpoint? _endpoint;

    /// <summary>The options the connection was made with.</summary>
    public DockerDriverOptions Options => options;

    /// <summary>The engine client; throws the classified, aggregated error when no engine answers.</summary>
    public async Task<IDockerClient> GetClientAsync(CancellationToken cancellationToken) =>
        (await GetEndpointAsync(cancellationToken).ConfigureAwait(false)).Client;

    /// <summary>The resolved endpoint (client, URI, version).</summary>
    public async Task<DockerEndpoint> GetEndpointAsync(CancellationToken cancellationToken)
    {
        if (_endpoint is { } known)
        {
            return known;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _endpoint ??= await DockerEndpointResolver.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _endpoint?.Client.Dispose();
        _gate.Dispose();
    }
}
