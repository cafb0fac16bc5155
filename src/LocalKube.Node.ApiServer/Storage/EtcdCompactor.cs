using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using LocalKube.Node.Storage;
using LocalKube.Node.Storage.Protocol;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.ApiServer.Storage;

/// <summary>
/// The API server's periodic compaction of an external etcd (upstream's <c>--etcd-compaction-interval</c>, 5 minutes
/// by default): every interval it compacts to the revision it saw one interval earlier, so about one interval of
/// history stays readable for slow watchers. Several API servers on one etcd cooperate through the
/// <c>compact_rev_key</c> key: its version is a logical clock that only the server whose compare-and-swap succeeds
/// advances, and only that one compacts; the others adopt the new clock and try again an interval later (so after a
/// crash another takes over within two intervals).
/// </summary>
public sealed partial class EtcdCompactor
{
    /// <summary>The shared key: its value is the last compacted revision, its version the compaction clock.</summary>
    public const string CompactRevKey = "compact_rev_key";

    private readonly IKeyValueStore _store;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private long _clock;
    private long _revision;

    /// <summary>Creates the compactor; <see cref="RunAsync"/> runs it.</summary>
    public EtcdCompactor(IKeyValueStore store, TimeSpan interval, TimeProvider time, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _interval = interval;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>The last revision compacted by any cooperating server, as far as this one knows (0 before any).</summary>
    public long CompactedRevision { get; private set; }

    /// <summary>Compacts every interval until cancelled; the first compaction happens after two intervals.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await Task.Delay(_interval, _time, cancellationToken).ConfigureAwait(false);
            try
            {
                await CompactOnceAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
            {
                // etcd down, or another compaction got further first: the next interval tries again.
                Log.Failed(_logger, e.Status.Detail);
            }
            catch (RpcException) when (cancellationToken.IsCancellationRequested)
            {
                // Stopping mid-call: a cancellation like any other, not a failure of the component.
                throw new OperationCanceledException(cancellationToken);
            }
        }
    }

    /// <summary>
    /// One step: claim this interval by advancing the clock if it still reads what this server last saw; the winner
    /// compacts to the revision it recorded one step earlier (none on its first step) and records the current one.
    /// </summary>
    /// <returns>The revision compacted, or 0 when this step did not compact.</returns>
    public async Task<long> CompactOnceAsync(CancellationToken cancellationToken)
    {
        var key = ByteString.CopyFromUtf8(CompactRevKey);
        var txn = new TxnRequest();
        txn.Compare.Add(new Compare { Key = key, Target = Compare.Types.CompareTarget.Version, Result = Compare.Types.CompareResult.Equal, Version = _clock });
        txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = key, Value = ByteString.CopyFromUtf8(_revision.ToString(CultureInfo.InvariantCulture)) } });
        txn.Failure.Add(new RequestOp { RequestRange = new RangeRequest { Key = key } });
        var response = await _store.TxnAsync(txn, cancellationToken).ConfigureAwait(false);
        var previous = _revision;
        _revision = response.Header.Revision;
        if (!response.Succeeded)
        {
            // Another server claimed this interval: adopt its clock and what it compacted.
            var kvs = response.Responses[0].ResponseRange.Kvs;
            if (kvs.Count == 0)
            {
                // Someone removed the key: start the clock again.
                _clock = 0;
                return 0;
            }

            var kv = kvs[0];
            _clock = kv.Version;
            if (long.TryParse(kv.Value.ToStringUtf8(), NumberStyles.None, CultureInfo.InvariantCulture, out var theirs) && theirs > 0)
            {
                CompactedRevision = theirs;
            }

            return 0;
        }

        _clock++;
        if (previous == 0)
        {
            // Nothing recorded yet (first step): no compaction at startup.
            return 0;
        }

        await _store.CompactAsync(new CompactionRequest { Revision = previous }, cancellationToken).ConfigureAwait(false);
        CompactedRevision = previous;
        Log.Compacted(_logger, previous);
        return previous;
    }

    /// <summary>
    /// Parses a Go duration as the flag takes it (<c>5m0s</c>, <c>30s</c>, <c>1h</c>, <c>500ms</c>); <c>0</c> turns
    /// compaction off.
    /// </summary>
    /// <exception cref="FormatException">Not a duration.</exception>
    public static TimeSpan ParseInterval(string text) => Machinery.GoDuration.Parse(text);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "etcd: compacted revision {Revision}")]
        public static partial void Compacted(ILogger logger, long revision);

        [LoggerMessage(2, LogLevel.Warning, "etcd: compaction failed: {Detail}")]
        public static partial void Failed(ILogger logger, string detail);
    }
}
