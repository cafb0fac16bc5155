using System.Net.Sockets;
using Docker.DotNet;
using LocalKube.Abstractions.Errors;

namespace LocalKube.Drivers.Docker;

/// <summary>A working connection to a Docker engine.</summary>
/// <param name="Client">The client, owned by the receiver.</param>
/// <param name="Endpoint">The engine URI (also passed to <c>build.sh</c> as <c>DOCKER_HOST</c>).</param>
/// <param name="Version">The engine's version; null when the connection only pinged (see <c>ResolveAsync</c>).</param>
internal sealed record DockerEndpoint(DockerClient Client, Uri Endpoint, string? Version);

/// <summary>
/// Finds a Docker engine through a provider chain: <c>DOCKER_HOST</c> when set (and then only it, as the docker CLI
/// does), else the default socket. The first that answers wins; when none does, the failures are kept so the caller can report every attempt with one classified reason.
/// </summary>
internal static class DockerEndpointResolver
{
    /// <summary>Tries each candidate in order. Returns the first working endpoint, or every failure.</summary>
    public static async Task<(DockerEndpoint? Endpoint, IReadOnlyList<DockerEndpointFailure> Failures)> ResolveAsync(
        DockerDriverOptions options, CancellationToken cancellationToken, bool withVersion = true)
    {
        var failures = new List<DockerEndpointFailure>();
        foreach (var (label, uri, error) in Candidates(options))
        {
            if (uri is null)
            {
                failures.Add(new DockerEndpointFailure(label, DockerFailureKind.Error, error ?? "invalid endpoint"));
                continue;
            }

            var (endpoint, failure) = await TryAsync(label, uri, options.ConnectTimeout, withVersion, cancellationToken).ConfigureAwait(false);
            if (endpoint is not null)
            {
                return (endpoint, failures);
            }

            failures.Add(failure!);
        }

        return (null, failures);
    }

    /// <summary>Connects or throws one <see cref="LocalKubeException"/> that lists every attempt.</summary>
    public static async Task<DockerEndpoint> ConnectAsync(DockerDriverOptions options, CancellationToken cancellationToken)
    {
        // A ping is enough to know the engine answers; the version document costs a JSON contract build per process,
        // which is a noticeable share of a short command such as 'status'. Only the probe reports the version.
        var (endpoint, failures) = await ResolveAsync(options, cancellationToken, withVersion: false).ConfigureAwait(false);
        return endpoint ?? throw ToException(failures, options);
    }

    /// <summary>The reason that classifies a set of failures (see the rules in the driver brief).</summary>
    public static Reason Classify(IReadOnlyList<DockerEndpointFailure> failures, bool dockerOnPath)
    {
        var worst = failures.Count == 0 ? DockerFailureKind.Missing : failures.Max(f => f.Kind);
        return worst switch
        {
            DockerFailureKind.Permission => Reasons.DockerPermission,
            DockerFailureKind.Error => Reasons.DockerError,
            DockerFailureKind.NotRunning => Reasons.DockerNotRunning,
            // No socket anywhere: installed-but-stopped when the CLI exists, else not installed at all.
            _ => dockerOnPath ? Reasons.DockerNotRunning : Reasons.DockerNotFound,
        };
    }

    /// <summary>One exception that aggregates every attempt.</summary>
    public static LocalKubeException ToException(IReadOnlyList<DockerEndpointFailure> failures, DockerDriverOptions options)
    {
        var reason = Classify(failures, IsDockerOnPath(options));
        return new LocalKubeException(reason, Describe(failures)) { IsTransient = reason == Reasons.DockerNotRunning };
    }

    /// <summary>A one-paragraph description of every attempt, for messages.</summary>
    public static string Describe(IReadOnlyList<DockerEndpointFailure> failures) =>
        "Cannot reach a Docker engine. Tried: "
        + string.Join("; ", failures.Select((f, i) => $"{i + 1}) {f.Endpoint}: {f.Detail}"))
        + ".";

    /// <summary>Whether a <c>docker</c> executable is on PATH (the "installed" test when no socket exists).</summary>
    public static bool IsDockerOnPath(DockerDriverOptions options)
    {
        var path = options.GetEnvironmentVariable("PATH") ?? string.Empty;
        var names = OperatingSystem.IsWindows() ? new[] { "docker.exe" } : ["docker"];
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => names.Any(n => File.Exists(Path.Combine(dir, n))));
    }

    private static IEnumerable<(string Label, Uri? Uri, string? Error)> Candidates(DockerDriverOptions options)
    {
        var host = options.GetEnvironmentVariable("DOCKER_HOST");
        if (!string.IsNullOrWhiteSpace(host))
        {
            var label = $"DOCKER_HOST={host}";
            if (Uri.TryCreate(host, UriKind.Absolute, out var uri)
                && uri.Scheme is "unix" or "tcp" or "http" or "https" or "npipe")
            {
                yield return (label, uri, null);
            }
            else
            {
                yield return (label, null, "unsupported or invalid address (use unix://PATH or tcp://HOST:PORT)");
            }

            // Like the docker CLI: an explicit DOCKER_HOST is the engine the user chose. Falling back to the default
            // socket would silently put the cluster on another engine.
            yield break;
        }

        var fallback = OperatingSystem.IsWindows()
            ? new Uri("npipe://./pipe/docker_engine")
            : new Uri("unix://" + options.DefaultSocketPath);
        yield return (fallback.ToString(), fallback, null);
    }

    private static async Task<(DockerEndpoint?, DockerEndpointFailure?)> TryAsync(
        string label, Uri uri, TimeSpan timeout, bool withVersion, CancellationToken cancellationToken)
    {
        if (uri.Scheme == "unix" && !File.Exists(uri.LocalPath))
        {
            return (null, new DockerEndpointFailure(label, DockerFailureKind.Missing, $"no socket at {uri.LocalPath}"));
        }

        // The per-request timeout stays infinite: callers' tokens bound every call (docker stop may take minutes).
        var client = new DockerClientConfiguration(uri, null, Timeout.InfiniteTimeSpan).CreateClient();
        using var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutCts.CancelAfter(timeout);
        try
        {
            if (!withVersion)
            {
                await client.System.PingAsync(timeoutCts.Token).ConfigureAwait(false);
                return (new DockerEndpoint(client, uri, null), null);
            }

            var version = await client.System.GetVersionAsync(timeoutCts.Token).ConfigureAwait(false);
            return (new DockerEndpoint(client, uri, version.Version), null);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            client.Dispose();
            return (null, Failure(label, uri, e, timeout));
        }
    }

    private static DockerEndpointFailure Failure(string label, Uri uri, Exception e, TimeSpan timeout)
    {
        if (e is OperationCanceledException or TimeoutException)
        {
            return new(label, DockerFailureKind.NotRunning, $"no answer within {timeout.TotalSeconds:0} s");
        }

        if (e is DockerApiException api)
        {
            return new(label, DockerFailureKind.Error, $"the engine answered {(int)api.StatusCode}: {api.ResponseBody.Trim()}");
        }

        var socket = Inner<SocketException>(e);
        if (socket is not null)
        {
            return socket.SocketErrorCode switch
            {
                SocketError.AccessDenied => new(label, DockerFailureKind.Permission, $"permission denied on {uri.LocalPath}"),
                SocketError.ConnectionRefused => new(label, DockerFailureKind.NotRunning, "connection refused (is the daemon running?)"),
                SocketError.HostNotFound or SocketError.NoData => new(label, DockerFailureKind.Error, $"unknown host {uri.Host}"),
                _ => new(label, DockerFailureKind.NotRunning, socket.Message),
            };
        }

        if (Inner<UnauthorizedAccessException>(e) is { } denied)
        {
            return new(label, DockerFailureKind.Permission, denied.Message);
        }

        return new(label, DockerFailureKind.Error, e.GetBaseException().Message);
    }

    private static T? Inner<T>(Exception? e)
        where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T t)
            {
                return t;
            }
        }

        return null;
    }
}
