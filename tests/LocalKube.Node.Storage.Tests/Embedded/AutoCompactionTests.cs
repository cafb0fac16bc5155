using Google.Protobuf;
using Grpc.Core;
using LocalKube.Node.Storage.Protocol;
using LocalKube.Testing;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace LocalKube.Node.Storage.Tests.Embedded;

/// <summary>Periodic compaction keeps a time window of history, like etcd's --auto-compaction-mode=periodic.</summary>
public sealed class AutoCompactionTests
{
    [Test]
    public async Task History_older_than_the_window_is_compacted()
    {
        using var dir = new TempDirectory("lk-auto");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var store = await EmbeddedKeyValueStore.OpenAsync(new StoreOptions { DataDirectory = dir.Path, AutoCompactionRetention = TimeSpan.FromMinutes(5), TimeProvider = time }, CancellationToken.None);
        var old = (await store.PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8("k"), Value = ByteString.CopyFromUtf8("1") }, CancellationToken.None)).Header.Revision;
        await store.PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8("k"), Value = ByteString.CopyFromUtf8("2") }, CancellationToken.None);

        // Step the clock in the compactor's sampling period (a tenth of the window) so each tick sees the change.
        for (var i = 0; i < 12; i++)
        {
            time.Advance(TimeSpan.FromSeconds(30));
            await Task.Delay(20);
        }

        await store.PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8("k"), Value = ByteString.CopyFromUtf8("3") }, CancellationToken.None);
        RpcException? compacted = null;
        for (var i = 0; i < 100 && compacted is null; i++)
        {
            time.Advance(TimeSpan.FromSeconds(30));
            await Task.Delay(20);
            try
            {
                await store.RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8("k"), Revision = old }, CancellationToken.None);
            }
            catch (RpcException e)
            {
                compacted = e;
            }
        }

        Assert.That(compacted?.Status.Detail, Is.EqualTo("etcdserver: mvcc: required revision has been compacted"));
        var latest = await store.RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8("k") }, CancellationToken.None);
        Assert.That(latest.Kvs[0].Value.ToStringUtf8(), Is.EqualTo("3"));
    }
}
