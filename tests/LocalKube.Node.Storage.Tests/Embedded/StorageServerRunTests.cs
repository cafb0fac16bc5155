using Google.Protobuf;
using LocalKube.Node.Storage.Client;
using LocalKube.Node.Storage.Protocol;
using LocalKube.Node.Storage.Tests.Conformance;
using LocalKube.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using NUnit.Framework;

namespace LocalKube.Node.Storage.Tests.Embedded;

/// <summary>The entry point of <c>localkube-node storage</c>: exit codes, shutdown, and a bad data folder.</summary>
public sealed class StorageServerRunTests
{
    [Test]
    public async Task Run_serves_until_cancelled_then_returns_0_with_the_data_kept()
    {
        using var dir = new TempDirectory("lk-run");
        var url = $"http://127.0.0.1:{Ports.Free()}";
        using var stop = new CancellationTokenSource();
        var run = StorageServer.RunAsync(new StorageServerOptions { DataDirectory = dir.Path, ListenClientUrls = url, LoggerFactory = NullLoggerFactory.Instance }, stop.Token);
        await using (var client = EtcdClientKeyValueStore.Connect([new Uri(url)]))
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            PutResponse? put = null;
            while (put is null)
            {
                try
                {
                    put = await client.PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8("k"), Value = ByteString.CopyFromUtf8("v") }, deadline.Token);
                }
                catch (Grpc.Core.RpcException) when (!deadline.IsCancellationRequested && !run.IsCompleted)
                {
                    await Task.Delay(50, deadline.Token);
                }
            }
        }

        await stop.CancelAsync();
        Assert.That(await run.WaitAsync(TimeSpan.FromSeconds(20)), Is.Zero);
        await using var reopened = await EmbeddedKeyValueStore.OpenAsync(new StoreOptions { DataDirectory = dir.Path }, CancellationToken.None);
        Assert.That((await reopened.RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8("k") }, CancellationToken.None)).Kvs, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_corrupt_data_folder_or_a_bad_url_returns_1()
    {
        using var dir = new TempDirectory("lk-run-bad");
        await using (var store = await EmbeddedKeyValueStore.OpenAsync(new StoreOptions { DataDirectory = dir.Path, SnapshotThresholdBytes = 1 }, CancellationToken.None))
        {
            await store.PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8("a"), Value = ByteString.CopyFromUtf8("1") }, CancellationToken.None);
        }

        // Damage in a segment that is not the last one is corruption, not a torn tail: refuse to start.
        var first = Directory.GetFiles(dir.Path, "wal-*.log").Order(StringComparer.Ordinal).First();
        await File.WriteAllBytesAsync(first, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        await File.WriteAllBytesAsync(Path.Combine(dir.Path, "wal-00000000000000009999.log"), []);
        foreach (var snap in Directory.GetFiles(dir.Path, "snap-*.snap"))
        {
            File.Delete(snap);
        }

        var options = new StorageServerOptions { DataDirectory = dir.Path, ListenClientUrls = $"http://127.0.0.1:{Ports.Free()}", LoggerFactory = NullLoggerFactory.Instance };
        Assert.That(await StorageServer.RunAsync(options, CancellationToken.None), Is.EqualTo(1));

        var badUrl = new StorageServerOptions { DataDirectory = dir.Path, ListenClientUrls = "https://127.0.0.1:2379", LoggerFactory = NullLoggerFactory.Instance };
        Assert.That(await StorageServer.RunAsync(badUrl, CancellationToken.None), Is.EqualTo(1));
    }
}
