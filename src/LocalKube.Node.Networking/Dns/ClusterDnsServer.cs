using System.Net;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.Networking.Dns;

/// <summary>
/// The DNS server on UDP and TCP (ARSoft.Tools.Net for the wire format and transports: UDP answers larger than the
/// client's buffer are truncated, so clients retry over TCP). Cluster names are answered by
/// <see cref="ClusterDnsResolver"/>; everything else is forwarded to the upstream resolvers, with SERVFAIL when
/// none answers in time.
/// </summary>
public sealed partial class ClusterDnsServer : IDisposable
{
    /// <summary>How long an upstream resolver may take.</summary>
    public static readonly TimeSpan UpstreamTimeout = TimeSpan.FromSeconds(2);

    private readonly ClusterDnsResolver _resolver;
    private readonly DnsClient? _upstream;
    private readonly DnsServer _server;
    private readonly ILogger _logger;

    /// <summary>Creates the server on <paramref name="endpoint"/> (not started).</summary>
    public ClusterDnsServer(IPEndPoint endpoint, ClusterDnsResolver resolver, IReadOnlyList<IPAddress> upstreams, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(upstreams);
        _resolver = resolver;
        _logger = logger;
        _upstream = upstreams.Count == 0 ? null : new DnsClient(upstreams, (int)UpstreamTimeout.TotalMilliseconds);
        _server = new DnsServer(new UdpServerTransport(endpoint, 5000), new TcpServerTransport(endpoint, 5000, 5000));
        _server.QueryReceived += OnQueryAsync;
        _server.ExceptionThrown += OnExceptionAsync;
    }

    /// <summary>Starts listening.</summary>
    public void Start() => _server.Start();

    /// <inheritdoc />
    public void Dispose() => _server.Stop();

    /// <summary>The response to <paramref name="query"/> (public for tests and the benchmark).</summary>
    public async Task<DnsMessage> AnswerAsync(DnsMessage query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var response = query.CreateResponseInstance();
        response.IsRecursionAllowed = true;
        if (query.Questions.Count != 1)
        {
            response.ReturnCode = ReturnCode.FormatError;
            return response;
        }

        var answer = _resolver.Resolve(query.Questions[0]);
        if (!answer.IsForward)
        {
            response.IsAuthoritiveAnswer = answer.Code != ReturnCode.ServerFailure;
            response.ReturnCode = answer.Code;
            response.AnswerRecords.AddRange(answer.Answers);
            response.AdditionalRecords.AddRange(answer.Additionals);
            response.AuthorityRecords.AddRange(answer.Authority);
            return response;
        }

        if (_upstream is null)
        {
            response.ReturnCode = ReturnCode.ServerFailure;
            return response;
        }

        try
        {
            var forwarded = new DnsMessage { IsRecursionDesired = true, IsEDnsEnabled = true };
            forwarded.Questions.Add(query.Questions[0]);
            var upstream = await _upstream.SendMessageAsync(forwarded, cancellationToken);
            if (upstream is null)
            {
                Log.UpstreamSilent(_logger, query.Questions[0].Name.ToString());
                response.ReturnCode = ReturnCode.ServerFailure;
                return response;
            }

            response.ReturnCode = upstream.ReturnCode;
            response.AnswerRecords.AddRange(upstream.AnswerRecords);
            response.AuthorityRecords.AddRange(upstream.AuthorityRecords);
            response.AdditionalRecords.AddRange(upstream.AdditionalRecords.Where(r => r.RecordType != RecordType.Opt));
            return response;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.UpstreamFailed(_logger, query.Questions[0].Name.ToString(), e.Message);
            response.ReturnCode = ReturnCode.ServerFailure;
            return response;
        }
    }

    private async Task OnQueryAsync(object sender, QueryReceivedEventArgs e)
    {
        if (e.Query is DnsMessage query)
        {
            e.Response = await AnswerAsync(query, CancellationToken.None);
        }
    }

    private Task OnExceptionAsync(object sender, ExceptionEventArgs e)
    {
        Log.ServerError(_logger, e.Exception.Message);
        return Task.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "No upstream resolver answered for {Name}: SERVFAIL")]
        public static partial void UpstreamSilent(ILogger logger, string name);

        [LoggerMessage(2, LogLevel.Debug, "Forwarding {Name} failed: {Message}")]
        public static partial void UpstreamFailed(ILogger logger, string name, string message);

        [LoggerMessage(3, LogLevel.Debug, "DNS server error: {Message}")]
        public static partial void ServerError(ILogger logger, string message);
    }
}
