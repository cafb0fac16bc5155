using System.Collections.Concurrent;
using Google.Protobuf;
using Grpc.Core;
using LocalKube.Node.Storage.Client;
using LocalKube.Node.Storage.Protocol;
using LocalKube.Testing;
using NUnit.Framework;

namespace LocalKube.Node.Storage.Tests.Crash;

/// <summary>
/// kill -9 of the storage server in the middle of concurrent writes, several times over the same data folder.
/// After every restart: every acknowledged write is there, revisions are contiguous, and no txn is half applied.
/// </summary>
public sealed class KillNineTests
{
    private const int Rounds = 5;
    private const int Writers = 8;

    [Test]
    public async Task Acknowledged_writes_survive_kill_9_and_no_txn_is_partial()
    {
        using var dir = new TempDirectory("lk-kill");
        var acknowledged = new ConcurrentDictionary<string, long>();
        for (var round = 0; round < Rounds; round++)
        {
            await using var host = await StorageHostProcess.StartAsync(dir.Path, CancellationToken.None);
            await using var client = EtcdClientKeyValueStore.Connect([new Uri(host.Url)]);
            await VerifyAsync(client, acknowledged);

            using var stopWriting = new CancellationTokenSource();
            var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(() => WriteAsync(client, round, w, acknowledged, stopWriting.Token))).ToArray();
            await Task.Delay(TimeSpan.FromMilliseconds(400 + (round * 97)));

            // Kill while the writers are still going: some calls are in flight, unacknowledged.
            await host.KillAsync();
            await stopWriting.CancelAsync();
            await Task.WhenAll(writers);
        }

        await using (var host = await StorageHostProcess.StartAsync(dir.Path, CancellationToken.None))
        await using (var client = EtcdClientKeyValueStore.Connect([new Uri(host.Url)]))
        {
            await VerifyAsync(client, acknowledged);
        }

        Assert.That(acknowledged, Has.Count.GreaterThan(Rounds * Writers), "the writers got work acknowledged between kills");
    }

    private static async Task WriteAsync(IKeyValueStore client, int round, int writer, ConcurrentDictionary<string, long> acknowledged, CancellationToken ct)
    {
        for (var i = 0; !ct.IsCancellationRequested; i++)
        {
            var id = $"{round}-{writer}-{i}";
            var txn = new TxnRequest
            {
                Success =
                {
                    new RequestOp { RequestPut = new PutRequest { Key = ByteString.CopyFromUtf8($"/a/{id}"), Value = ByteString.CopyFromUtf8(id) } },
                    new RequestOp { RequestPut = new PutRequest { Key = ByteString.CopyFromUtf8($"/b/{id}"), Value = ByteString.CopyFromUtf8(id) } },
                },
            };
            try
            {
                var response = await client.TxnAsync(txn, CancellationToken.None);
                acknowledged[id] = response.Header.Revision;
            }
            catch (RpcException)
            {
                // The server died under this call: not acknowledged, so either outcome is allowed.
                return;
            }
        }
    }

    private static async Task VerifyAsync(IKeyValueStore client, ConcurrentDictionary<string, long> acknowledged)
    {
        var a = await client.RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8("/a/"), RangeEnd = ByteString.CopyFromUtf8("/a0") }, CancellationToken.None);
        var b = await client.RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8("/b/"), RangeEnd = ByteString.CopyFromUtf8("/b0") }, CancellationToken.None);
        var aRevisions = a.Kvs.ToDictionary(k => k.Key.ToStringUtf8()[3..], k => k.ModRevision);
        var bRevisions = b.Kvs.ToDictionary(k => k.Key.ToStringUtf8()[3..], k => k.ModRevision);
        Assert.Multiple(() =>
        {
            foreach (var (id, revision) in acknowledged)
            {
                Assert.That(aRevisions.GetValueOrDefault(id), Is.EqualTo(revision), $"acknowledged write {id} lost");
            }

            Assert.That(aRevisions, Is.EquivalentTo(bRevisions), "every txn wrote both keys at one revision, or neither");

            // Each txn is one revision; with nothing else written, revisions 2..current are exactly the txns.
            var current = a.Header.Revision;
            Assert.That(aRevisions.Values.Order(), Is.EqualTo(Enumerable.Range(2, (int)current - 1).Select(r => (long)r)), "revisions are contiguous");
        });
    }
}
