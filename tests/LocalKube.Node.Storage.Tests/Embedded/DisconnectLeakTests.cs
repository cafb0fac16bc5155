using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using LocalKube.Node.Storage.Protocol;
using LocalKube.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using NUnit.Framework;

namespace LocalKube.Node.Storage.Tests.Embedded;

/// <summary>
/// Clients that vanish mid-watch or mid-txn, many times over: the server must end every watch it started and hold
/// no more file handles or memory than before.
/// </summary>
public sealed class DisconnectLeakTests
{
    private const int Repetitions = 150;

    [Test]
    public async Task Abandoned_watches_and_txns_leave_no_watch_handle_or_memory_behind()
    {
        using var dir = new TempDirectory("lk-leak");
        await using var server = await StorageServer.StartAsync(new StorageServerOptions
        {
            DataDirectory = dir.Path,
            ListenClientUrls = "http://127.0.0.1:0",
            AutoCompactionRetention = TimeSpan.Zero,
            LoggerFactory = NullLoggerFactory.Instance,
        }, CancellationToken.None);
        var url = server.Urls[0];

        // Warm up once so lazily created runtime state is not counted as a leak.
        await AbandonAsync(url, 0);
        await WaitForAsync(() => server.Store.ActiveWatches == 0);
        var handlesBefore = OpenHandles();
        var memoryBefore = ManagedMemory();

        for (var i = 1; i <= Repetitions; i++)
        {
            await AbandonAsync(url, i);
        }

        await WaitForAsync(() => server.Store.ActiveWatches == 0);
        Assert.That(server.Store.ActiveWatches, Is.Zero, "every abandoned watch ended on the server");
        await WaitForAsync(() => OpenHandles() <= handlesBefore + 10);
        Assert.That(OpenHandles(), Is.LessThanOrEqualTo(handlesBefore + 10), "file handles (sockets) are given back");
        Assert.That(ManagedMemory() - memoryBefore, Is.LessThan(16L * 1024 * 1024), "managed memory does not grow with abandoned calls");

        // And the server still works.
        await using var client = Client.EtcdClientKeyValueStore.Connect([new Uri(url)]);
        var put = await client.PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8("after"), Value = ByteString.CopyFromUtf8("ok") }, CancellationToken.None);
        Assert.That(put.Header.Revision, Is.GreaterThan(1));
    }

    /// <summary>One client: starts a watch and a txn, then drops the connection without cancelling either.</summary>
    private static async Task AbandonAsync(string url, int i)
    {
        var channel = GrpcChannel.ForAddress(url);
        var watch = new Protocol.Watch.WatchClient(channel).Watch();
        await watch.RequestStream.WriteAsync(new WatchRequest { CreateRequest = new WatchCreateRequest { Key = ByteString.CopyFromUtf8("w"), RangeEnd = ByteString.CopyFromUtf8("x"), StartRevision = 1 } });
        await watch.ResponseStream.MoveNext(CancellationToken.None);
        var kv = new KV.KVClient(channel);
        var txn = kv.TxnAsync(new TxnRequest { Success = { new RequestOp { RequestPut = new PutRequest { Key = ByteString.CopyFromUtf8($"w{i}"), Value = ByteString.CopyFrom(new byte[4096]) } } } });

        // Drop the connection under both calls.
        channel.Dispose();
        try
        {
            await txn;
        }
        catch (RpcException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        watch.Dispose();
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(50);
        }
    }

    private static int OpenHandles() => Directory.GetFiles("/proc/self/fd").Length;

    private static long ManagedMemory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
