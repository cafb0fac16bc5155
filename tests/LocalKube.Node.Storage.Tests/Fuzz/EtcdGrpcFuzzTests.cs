using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using LocalKube.Node.Storage.Protocol;
using LocalKube.Node.Storage.Tests.Embedded;
using LocalKube.Testing;
using LocalKube.Testing.Fuzz;
using NUnit.Framework;
using static LocalKube.Testing.Fuzz.Mutations;

namespace LocalKube.Node.Storage.Tests.Fuzz;

/// <summary>
/// Sends the embedded store's etcd v3 gRPC endpoint malformed calls over real HTTP/2: requests with odd field
/// values and mutated protobuf bytes, on every method (unknown ones too), streams with several messages. Each answer must be
/// a gRPC status (never Unknown, which is a handler that threw; Internal only as grpc-go's answer to a message that does
/// not decode), a refused call must leave the store's revision as
/// it was, and the endpoint must keep answering.
/// </summary>
[TestFixture]
[Category("Fuzz")]
public sealed class EtcdGrpcFuzzTests
{
    /// <summary>Cases per seed: all of them for the fixed seed, the fresh one within <see cref="FreshBudget"/>.</summary>
    private const int Cases = 400;

    /// <summary>How long the fresh seed may run in CI (a long session sets LOCALKUBE_FUZZ_SECONDS instead).</summary>
    private static readonly TimeSpan FreshBudget = TimeSpan.FromSeconds(15);

    private static readonly string[] Writes = ["/etcdserverpb.KV/Put", "/etcdserverpb.KV/DeleteRange", "/etcdserverpb.KV/Txn", "/etcdserverpb.KV/Compact", "/etcdserverpb.Lease/LeaseRevoke", "/etcdserverpb.Maintenance/Alarm"];

    private TempDirectory _dir = null!;
    private RunningStorageServer _server = null!;
    // Raw bytes both ways: the client sends whatever the case holds, framed as gRPC.
    private static readonly Marshaller<byte[]> Raw = Marshallers.Create(b => b, b => b);

    private readonly CapturingLoggerFactory _logs = new();
    private GrpcChannel _channel = null!;
    private CallInvoker _invoker = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _dir = new TempDirectory("lk-grpcfz");
        _server = await StorageServer.StartAsync(new StorageServerOptions
        {
            DataDirectory = _dir.Path,
            ListenClientUrls = "http://127.0.0.1:0",
            AutoCompactionRetention = TimeSpan.Zero,
            LoggerFactory = _logs,
        }, CancellationToken.None);
        _channel = GrpcChannel.ForAddress(_server.Urls[0], new GrpcChannelOptions { MaxReceiveMessageSize = null, MaxSendMessageSize = null });
        _invoker = _channel.CreateCallInvoker();
        for (var i = 0; i < 20; i++)
        {
            await _server.Store.PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8($"fz/{i}"), Value = ByteString.CopyFromUtf8("v") }, CancellationToken.None);
        }
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _channel.Dispose();
        _logs.Dispose();
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    [Test]
    public async Task Malformed_calls_get_a_grpc_status_and_change_nothing()
    {
        var gen = new FuzzGen<GrpcCall>(Generate, c => c.Size);
        var report = await FuzzRun.RunAsync("etcd-grpc", gen, CheckAsync, Cases, c => c.ToString(), FreshBudget);
        Assert.That(report.Outcomes.Keys, Has.Some.StartsWith("OK").And.Some.StartsWith("InvalidArgument"));
    }

    private async Task<string> CheckAsync(GrpcCall call)
    {
        var before = _server.Store.Revision;
        var slash = call.Path.LastIndexOf('/');
        var method = new Method<byte[], byte[]>(call.Streaming ? MethodType.DuplexStreaming : MethodType.Unary, call.Path[1..slash], call.Path[(slash + 1)..], Raw, Raw);
        var options = new CallOptions(deadline: call.Streaming ? DateTime.UtcNow.AddMilliseconds(500) : DateTime.UtcNow.AddSeconds(15));
        StatusCode code;
        string message;
        try
        {
            if (call.Streaming)
            {
                using var stream = _invoker.AsyncDuplexStreamingCall(method, null, options);
                foreach (var message1 in call.Messages)
                {
                    await stream.RequestStream.WriteAsync(message1);
                }

                await stream.RequestStream.CompleteAsync();
                while (await stream.ResponseStream.MoveNext(CancellationToken.None))
                {
                }
            }
            else
            {
                await _invoker.AsyncUnaryCall(method, null, options, call.Messages[0]);
            }

            (code, message) = (StatusCode.OK, "");
        }
        catch (RpcException e)
        {
            (code, message) = (e.StatusCode, e.Status.Detail);
        }

        if (code == StatusCode.DeadlineExceeded && call.Streaming)
        {
            return "stream open";
        }

        if (code is StatusCode.Unknown or StatusCode.DeadlineExceeded or StatusCode.Unavailable
            || (code == StatusCode.Internal && !message.StartsWith("grpc: error unmarshalling request: ", StringComparison.Ordinal)
                && !message.StartsWith("grpc: failed to unmarshal the received message ", StringComparison.Ordinal)))
        {
            // Unknown is a handler that threw; Internal only for a message that does not decode, in grpc-go's words.
            // The server's exception first: it is what tells causes apart.
            var cause = string.Join("; ", DrainExceptions());
            throw new AssertionException($"{code}: {cause} ({message})");
        }

        if (code != StatusCode.OK && Writes.Contains(call.Path) && _server.Store.Revision != before)
        {
            throw new AssertionException($"refused ({code}: {message}) but the revision moved from {before} to {_server.Store.Revision}");
        }

        var health = await _server.Store.RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8("fz/1") }, CancellationToken.None);
        if (health.Kvs.Count > 1)
        {
            throw new AssertionException("a single-key range returned several keys");
        }

        return code.ToString();
    }

    private List<string> DrainExceptions()
    {
        var causes = new List<string>();
        while (_logs.Exceptions.TryDequeue(out var e))
        {
            var frame = e.StackTrace?.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Contains("LocalKube.", StringComparison.Ordinal)) ?? "";
            causes.Add($"{e.GetType().Name} {frame}: {e.Message}");
        }

        _logs.Entries.Clear();
        return causes;
    }

    private GrpcCall Generate(CsCheck.PCG pcg)
    {
        var (path, message, streaming) = Next(pcg, 13) switch
        {
            0 or 1 => ("/etcdserverpb.KV/Range", (IMessage)Range(pcg), false),
            2 or 3 => ("/etcdserverpb.KV/Put", Put(pcg), false),
            4 => ("/etcdserverpb.KV/DeleteRange", new DeleteRangeRequest { Key = Key(pcg), RangeEnd = RangeEnd(pcg), PrevKv = Chance(pcg, 50) }, false),
            5 or 6 => ("/etcdserverpb.KV/Txn", Txn(pcg, 0), false),
            7 => ("/etcdserverpb.KV/Compact", new CompactionRequest { Revision = Revision(pcg), Physical = Chance(pcg, 50) }, false),
            8 => ("/etcdserverpb.Lease/LeaseGrant", new LeaseGrantRequest { TTL = Revision(pcg), ID = Chance(pcg, 50) ? 0 : Revision(pcg) }, false),
            9 => (Pick(pcg, new[] { "/etcdserverpb.Lease/LeaseRevoke", "/etcdserverpb.Lease/LeaseTimeToLive" }), Chance(pcg, 50)
                ? new LeaseRevokeRequest { ID = Revision(pcg) } : new LeaseTimeToLiveRequest { ID = Revision(pcg), Keys = true }, false),
            10 => (Pick(pcg, new[] { "/etcdserverpb.Maintenance/Status", "/etcdserverpb.Cluster/MemberList", "/etcdserverpb.Lease/LeaseLeases", "/etcdserverpb.Maintenance/Alarm", "/etcdserverpb.KV/Nope", "/etcdserverpb.Nope/Range" }),
                // Never Activate: a NOSPACE alarm would refuse every later put.
                new AlarmRequest { Action = Chance(pcg, 50) ? AlarmRequest.Types.AlarmAction.Get : AlarmRequest.Types.AlarmAction.Deactivate, Alarm = (AlarmType)Next(pcg, 5), MemberID = (ulong)Revision(pcg) }, false),
            11 => ("/etcdserverpb.Lease/LeaseKeepAlive", new LeaseKeepAliveRequest { ID = Revision(pcg) }, true),
            _ => ("/etcdserverpb.Watch/Watch", Watch(pcg), true),
        };

        var payload = message.ToByteArray();
        var what = message.GetType().Name;
        if (Chance(pcg, 40))
        {
            payload = MutateBytes(pcg, payload);
            what += " bytes";
        }

        var messages = new List<byte[]> { payload };
        for (var n = streaming && Chance(pcg, 40) ? 1 + Next(pcg, 3) : 0; n > 0; n--)
        {
            messages.Add(Chance(pcg, 50) ? payload : MutateBytes(pcg, payload));
        }

        return new GrpcCall(path, messages, streaming, what);
    }

    private static RangeRequest Range(CsCheck.PCG pcg) => new()
    {
        Key = Key(pcg),
        RangeEnd = RangeEnd(pcg),
        Limit = Chance(pcg, 70) ? 0 : Revision(pcg),
        Revision = Chance(pcg, 60) ? 0 : Revision(pcg),
        SortOrder = (RangeRequest.Types.SortOrder)Next(pcg, 5),
        SortTarget = (RangeRequest.Types.SortTarget)Next(pcg, 7),
        Serializable = Chance(pcg, 50),
        KeysOnly = Chance(pcg, 30),
        CountOnly = Chance(pcg, 20),
        MinModRevision = Chance(pcg, 80) ? 0 : Revision(pcg),
        MaxModRevision = Chance(pcg, 80) ? 0 : Revision(pcg),
        MinCreateRevision = Chance(pcg, 80) ? 0 : Revision(pcg),
        MaxCreateRevision = Chance(pcg, 80) ? 0 : Revision(pcg),
    };

    private static PutRequest Put(CsCheck.PCG pcg) => new()
    {
        Key = Key(pcg),
        Value = Next(pcg, 50) == 0 ? ByteString.CopyFrom(new byte[1572864 + Next(pcg, 200_000) - 100_000]) : ByteString.CopyFromUtf8(OddString(pcg)),
        Lease = Chance(pcg, 80) ? 0 : Revision(pcg),
        PrevKv = Chance(pcg, 50),
        IgnoreValue = Chance(pcg, 10),
        IgnoreLease = Chance(pcg, 10),
    };

    private static TxnRequest Txn(CsCheck.PCG pcg, int depth)
    {
        var txn = new TxnRequest();
        for (var i = Next(pcg, 3); i > 0; i--)
        {
            var compare = new Compare { Key = Key(pcg), Result = (Compare.Types.CompareResult)Next(pcg, 6), Target = (Compare.Types.CompareTarget)Next(pcg, 6), RangeEnd = Chance(pcg, 20) ? RangeEnd(pcg) : ByteString.Empty };
            switch (Next(pcg, 4))
            {
                case 0: compare.Version = Revision(pcg); break;
                case 1: compare.CreateRevision = Revision(pcg); break;
                case 2: compare.ModRevision = Revision(pcg); break;
                default: compare.Value = Key(pcg); break;
            }

            txn.Compare.Add(compare);
        }

        var ops = Next(pcg, 12) == 0 ? 120 + Next(pcg, 20) : Next(pcg, 4);
        for (var i = 0; i < ops; i++)
        {
            var op = Next(pcg, depth < 3 ? 4 : 3) switch
            {
                0 => new RequestOp { RequestRange = Range(pcg) },
                1 => new RequestOp { RequestPut = Chance(pcg, 50) ? Put(pcg) : new PutRequest { Key = ByteString.CopyFromUtf8("fz/dup"), Value = ByteString.CopyFromUtf8("x") } },
                2 => new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = Key(pcg), RangeEnd = RangeEnd(pcg) } },
                _ => new RequestOp { RequestTxn = Txn(pcg, depth + 1) },
            };
            (Chance(pcg, 50) ? txn.Success : txn.Failure).Add(Chance(pcg, 3) ? new RequestOp() : op);
        }

        return txn;
    }

    private static WatchRequest Watch(CsCheck.PCG pcg) => Next(pcg, 6) switch
    {
        0 => new WatchRequest { CancelRequest = new WatchCancelRequest { WatchId = Revision(pcg) } },
        1 => new WatchRequest { ProgressRequest = new WatchProgressRequest() },
        2 => new WatchRequest(),
        _ => new WatchRequest
        {
            CreateRequest = new WatchCreateRequest
            {
                Key = Key(pcg),
                RangeEnd = RangeEnd(pcg),
                StartRevision = Chance(pcg, 50) ? 0 : Revision(pcg),
                ProgressNotify = Chance(pcg, 30),
                Filters = { Enumerable.Range(0, Next(pcg, 3)).Select(_ => (WatchCreateRequest.Types.FilterType)Next(pcg, 4)) },
                PrevKv = Chance(pcg, 50),
                WatchId = Chance(pcg, 70) ? 0 : Revision(pcg),
                Fragment = Chance(pcg, 30),
            },
        },
    };

    private static ByteString Key(CsCheck.PCG pcg) => Next(pcg, 8) switch
    {
        0 => ByteString.Empty,
        1 => ByteString.CopyFrom(0),
        2 => ByteString.CopyFrom(0xff, 0xff),
        3 => ByteString.CopyFromUtf8(OddString(pcg)),
        _ => ByteString.CopyFromUtf8($"fz/{Next(pcg, 25)}"),
    };

    private static ByteString RangeEnd(CsCheck.PCG pcg) => Next(pcg, 6) switch
    {
        0 => ByteString.CopyFrom(0),
        1 => ByteString.CopyFromUtf8("fz0"),
        2 => ByteString.CopyFromUtf8("a"),
        3 => ByteString.CopyFromUtf8(OddString(pcg)),
        _ => ByteString.Empty,
    };

    private static long Revision(CsCheck.PCG pcg) => Next(pcg, 8) switch
    {
        0 => -1,
        1 => long.MaxValue,
        2 => long.MinValue,
        3 => int.MaxValue + 1L,
        4 => 0,
        _ => Next(pcg, 40),
    };

    /// <summary>One call: its method and the raw messages it sends.</summary>
    internal sealed record GrpcCall(string Path, List<byte[]> Messages, bool Streaming, string What)
    {
        public long Size => Messages.Sum(m => (long)m.Length);

        public override string ToString() =>
            $"{Path} ({What}) messages {string.Join(" ", Messages.Select(m => Convert.ToHexString(m.AsSpan(0, Math.Min(m.Length, 2000)))))}";
    }
}
