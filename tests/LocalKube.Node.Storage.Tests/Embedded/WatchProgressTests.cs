using System.Collections.Concurrent;
using Google.Protobuf;
using Grpc.Net.Client;
using LocalKube.Node.Storage.Protocol;
using LocalKube.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using NUnit.Framework;

namespace LocalKube.Node.Storage.Tests.Embedded;

/// <summary>
/// A progress response (a notification, or the answer to a progress request) claims that every event of the watch
/// up to its revision has been sent. Under a steady stream of writes that claim must never run ahead of the events.
/// </summary>
public sealed class WatchProgressTests
{
    private const int Writes = 600;

    private static ByteString B(string s) => ByteString.CopyFromUtf8(s);

    [Test]
    public async Task Progress_notifications_never_claim_a_revision_whose_events_are_still_to_come()
    {
        using var dir = new TempDirectory("lk-progress");
        await using var store = await EmbeddedKeyValueStore.OpenAsync(new StoreOptions
        {
            DataDirectory = dir.Path,
            ProgressNotifyInterval = TimeSpan.FromTicks(1),
        }, CancellationToken.None);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var start = store.Revision;
        var written = new ConcurrentBag<long>();
        var received = new List<long>();
        var violations = new List<string>();
        var progressCount = 0;
        var watch = Task.Run(async () =>
        {
            await foreach (var response in store.WatchAsync(new WatchCreateRequest { Key = B("a"), RangeEnd = B("b"), StartRevision = start + 1, ProgressNotify = true }, cts.Token))
            {
                received.AddRange(response.Events.Select(e => e.Kv.ModRevision));
                if (!response.Created && response.Events.Count == 0)
                {
                    progressCount++;
                    Check(response.Header.Revision, written, received, violations);
                }

                if (received.Count == Writes)
                {
                    return;
                }
            }
        });

        await WriteAsync(store, written, cts.Token);
        await watch.WaitAsync(cts.Token);
        Assert.That(progressCount, Is.GreaterThan(0));
        Assert.That(violations, Is.Empty);
    }

    [Test]
    public async Task A_progress_request_never_claims_a_revision_whose_events_are_still_to_come()
    {
        using var folder = new TempDirectory("lk-progress-grpc");
        await using var server = await StorageServer.StartAsync(new StorageServerOptions
        {
            DataDirectory = folder.Path,
            ListenClientUrls = "http://127.0.0.1:0",
            LoggerFactory = NullLoggerFactory.Instance,
        }, CancellationToken.None);
        await using var client = Client.EtcdClientKeyValueStore.Connect([new Uri(server.Urls[0].Replace("[::]", "127.0.0.1", StringComparison.Ordinal))]);
        using var channel = GrpcChannel.ForAddress(server.Urls[0].Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var call = new Protocol.Watch.WatchClient(channel).Watch(cancellationToken: cts.Token);
        var start = (await client.PutAsync(new PutRequest { Key = B("zz"), Value = B("start") }, cts.Token)).Header.Revision;
        await call.RequestStream.WriteAsync(new WatchRequest { CreateRequest = new WatchCreateRequest { Key = B("a"), RangeEnd = B("b"), StartRevision = start + 1 } });

        var written = new ConcurrentBag<long>();
        var received = new List<long>();
        var violations = new List<string>();
        var progressCount = 0;
        var reader = Task.Run(async () =>
        {
            while (received.Count < Writes && await call.ResponseStream.MoveNext(cts.Token))
            {
                var response = call.ResponseStream.Current;
                received.AddRange(response.Events.Select(e => e.Kv.ModRevision));
                if (response.WatchId == -1)
                {
                    progressCount++;
                    Check(response.Header.Revision, written, received, violations);
                }
            }
        });
        var asker = Task.Run(async () =>
        {
            while (!reader.IsCompleted)
            {
                await call.RequestStream.WriteAsync(new WatchRequest { ProgressRequest = new WatchProgressRequest() }, cts.Token);
                await Task.Delay(1, cts.Token);
            }
        });

        await WriteAsync(client, written, cts.Token);
        await reader.WaitAsync(cts.Token);
        await asker.WaitAsync(cts.Token);
        Assert.That(progressCount, Is.GreaterThan(0));
        Assert.That(violations, Is.Empty);
    }

    // Every write in the watched range acknowledged at or below `progress` must have been received already.
    private static void Check(long progress, ConcurrentBag<long> written, List<long> received, List<string> violations)
    {
        var have = received.ToHashSet();
        var missing = written.Where(r => r <= progress && !have.Contains(r)).ToList();
        if (missing.Count > 0)
        {
            violations.Add($"progress {progress} arrived before the events of {string.Join(",", missing)}");
        }
    }

    // Writes in the watched range ("a…"), each followed by one outside it, so the revision keeps moving on both.
    private static async Task WriteAsync(IKeyValueStore store, ConcurrentBag<long> written, CancellationToken ct)
    {
        for (var i = 0; i < Writes; i++)
        {
            written.Add((await store.PutAsync(new PutRequest { Key = B($"a{i}"), Value = B("v") }, ct)).Header.Revision);
            await store.PutAsync(new PutRequest { Key = B($"x{i}"), Value = B("v") }, ct);
        }
    }
}
