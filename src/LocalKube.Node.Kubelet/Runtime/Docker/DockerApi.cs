using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Docker.DotNet;
using Polly;
using Polly.Retry;

namespace LocalKube.Node.Kubelet.Runtime.Docker;

/// <summary>
/// The kubelet's own small wrapper over Docker.DotNet on the node's socket: every call goes through a Polly retry
/// (connection-level failures and 503s only, bounded exponential backoff with jitter, the caller's token honoured)
/// and Docker's errors become the runtime's exceptions with the engine's own message.
/// </summary>
internal sealed class DockerApi : IDisposable
{
    private readonly DockerClient _client;
    private readonly ResiliencePipeline _retry;

    public DockerApi(DockerRuntimeOptions options)
    {
        Options = options;
        // The client owns (and disposes) its configuration.
        _client = new DockerClientConfiguration(options.Endpoint, defaultTimeout: options.RequestTimeout).CreateClient();
        _retry = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
                MaxRetryAttempts = Math.Max(0, options.MaxAttempts - 1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                MaxDelay = options.MaxRetryDelay,
            })
            .Build();
    }

    public DockerRuntimeOptions Options { get; }

    /// <summary>The raw client, for streaming calls that must not be retried once they started.</summary>
    public IDockerClient Client => _client;

    /// <summary>Runs <paramref name="call"/> with retries; translates the final failure.</summary>
    public async Task<T> CallAsync<T>(Func<IDockerClient, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await _retry.ExecuteAsync(async ct => await call(_client, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (Translate(e, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>Runs <paramref name="call"/> with retries; translates the final failure.</summary>
    public Task CallAsync(Func<IDockerClient, CancellationToken, Task> call, CancellationToken cancellationToken) =>
        CallAsync<bool>(async (c, ct) =>
        {
            await call(c, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary>Runs a call that must not be repeated (a started stream); only translates failures.</summary>
    public async Task<T> CallOnceAsync<T>(Func<IDockerClient, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call(_client, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (Translate(e, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>
    /// The runtime exception for a Docker failure: unreachable engine, not found, or a refusal with Docker's
    /// message; null for the caller's own cancellation (rethrown as is).
    /// </summary>
    public static Exception? Translate(Exception e, CancellationToken cancellationToken)
    {
        if (e is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        return e switch
        {
            ContainerRuntimeException => null,
            DockerContainerNotFoundException or DockerImageNotFoundException or DockerNetworkNotFoundException =>
                new RuntimeObjectNotFoundException(Message(e), e),
            DockerApiException { StatusCode: HttpStatusCode.NotFound } => new RuntimeObjectNotFoundException(Message(e), e),
            DockerApiException { StatusCode: HttpStatusCode.ServiceUnavailable } => new RuntimeUnavailableException(Message(e), e),
            DockerApiException => new ContainerRuntimeException(Message(e), e),
            OperationCanceledException or TimeoutException =>
                new RuntimeUnavailableException("the Docker engine did not answer in time", e),
            _ when IsConnectionFailure(e) => new RuntimeUnavailableException($"cannot reach the Docker engine: {e.Message}", e),
            _ => null,
        };
    }

    /// <summary>Docker's own words: the <c>message</c> of its JSON error body, else the exception text.</summary>
    public static string Message(Exception e)
    {
        if (e is DockerApiException api && !string.IsNullOrWhiteSpace(api.ResponseBody))
        {
            try
            {
                using var doc = JsonDocument.Parse(api.ResponseBody);
                if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("message", out var m))
                {
                    return m.GetString()?.Trim() ?? api.ResponseBody.Trim();
                }
            }
            catch (JsonException)
            {
                // Not JSON: use the body as is.
            }

            return api.ResponseBody.Trim();
        }

        return e.Message;
    }

    public void Dispose() => _client.Dispose();

    // Retry only what a repeat can fix: the engine restarting or the socket hiccuping, never a refusal.
    private static bool IsTransient(Exception e) =>
        e is DockerApiException { StatusCode: HttpStatusCode.ServiceUnavailable } || IsConnectionFailure(e);

    private static bool IsConnectionFailure(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            if (x is SocketException or HttpRequestException or IOException)
            {
                return true;
            }
        }

        return false;
    }
}
