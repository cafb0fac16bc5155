using Google.Protobuf;
using Grpc.Core;
using LocalKube.Node.Storage.Protocol;
using NUnit.Framework;

namespace LocalKube.Node.Storage.Tests.Conformance;

/// <summary>NOSPACE on a store of its own with a 1 MiB quota, on every target.</summary>
[TestFixture(TargetKind.Embedded)]
[TestFixture(TargetKind.EmbeddedGrpc)]
[TestFixture(TargetKind.Etcd)]
public sealed class QuotaConformanceTests(TargetKind kind)
{
    [Test]
    public async Task Passing_the_quota_raises_nospace_and_refuses_puts_but_not_reads_or_deletes()
    {
        await using var target = await Targets.StartAsync(kind, quotaBytes: 1024 * 1024, CancellationToken.None);
        var store = target.Store;
        var value = ByteString.CopyFrom(new byte[64 * 1024]);
        RpcException? full = null;
        for (var i = 0; i < 200 && full is null; i++)
        {
            try
            {
                await store.PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8($"k{i}"), Value = value }, CancellationToken.None);
            }
            catch (RpcException e)
            {
                full = e;
            }
        }

        Assert.That(full, Is.Not.Null, "the quota was never hit");
        Assert.That(full!.StatusCode, Is.EqualTo(StatusCode.ResourceExhausted));
        Assert.That(full.Status.Detail, Is.EqualTo("etcdserver: mvcc: database space exceeded"));

        var small = Assert.ThrowsAsync<RpcException>(() => store.PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8("tiny"), Value = ByteString.CopyFromUtf8("x") }, CancellationToken.None));
        Assert.That(small!.Status.Detail, Is.EqualTo("etcdserver: mvcc: database space exceeded"), "with the alarm raised even a small put is refused");

        var alarms = await store.AlarmAsync(new AlarmRequest { Action = AlarmRequest.Types.AlarmAction.Get }, CancellationToken.None);
        Assert.That(alarms.Alarms.Select(a => a.Alarm), Does.Contain(AlarmType.Nospace));
        var read = await store.RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8("k0") }, CancellationToken.None);
        Assert.That(read.Kvs, Has.Count.EqualTo(1));
        var deleted = await store.DeleteRangeAsync(new DeleteRangeRequest { Key = ByteString.CopyFromUtf8("k0") }, CancellationToken.None);
        Assert.That(deleted.Deleted, Is.EqualTo(1));
    }
}
