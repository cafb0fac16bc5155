using Google.Protobuf;
using Grpc.Net.Client;
using LocalKube.Node.Storage.Protocol;
using NUnit.Framework;

namespace LocalKube.Node.Storage.Tests.Conformance;

/// <summary>The wire-level watch stream (several watches on one stream, cancel, progress request): gRPC targets only.</summary>
[TestFixture(TargetKind.EmbeddedGrpc)]
[TestFixture(TargetKind.Etcd)]
public sealed class WatchStreamConformanceTests(TargetKind kind) : ConformanceTest(kind)
{
    [Test]
    public async Task One_stream_carries_several_watches_cancel_and_a_progress_request()
    {
        using var channel = GrpcChannel.ForAddress(Target.Url!);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var call = new Protocol.Watch.WatchClient(channel).Watch(cancellationToken: cts.Token);
        var responses = call.ResponseStream;

        async Task<WatchResponse> NextAsync()
        {
            Assert.That(await responses.MoveNext(cts.Token), Is.True);
            return responses.Current;
        }

        await call.RequestStream.WriteAsync(new WatchRequest { CreateRequest = new WatchCreateRequest { Key = K("a") } });
        var first = await NextAsync();
        await call.RequestStream.WriteAsync(new WatchRequest { CreateRequest = new WatchCreateRequest { Key = K("b") } });
        var second = await NextAsync();
        Assert.Multiple(() =>
        {
            Assert.That(first.Created && second.Created, Is.True);
            Assert.That(second.WatchId, Is.Not.EqualTo(first.WatchId));
        });

        var put = await PutAsync("b", "1");
        var ev = await NextAsync();
        Assert.That(ev.WatchId, Is.EqualTo(second.WatchId));
        Assert.That(ev.Events.Single().Kv.ModRevision, Is.EqualTo(put.Header.Revision));

        await call.RequestStream.WriteAsync(new WatchRequest { CancelRequest = new WatchCancelRequest { WatchId = second.WatchId } });
        var canceled = await NextAsync();
        Assert.That(canceled.Canceled, Is.True);
        Assert.That(canceled.WatchId, Is.EqualTo(second.WatchId));

        await call.RequestStream.WriteAsync(new WatchRequest { ProgressRequest = new WatchProgressRequest() });
        var progress = await NextAsync();
        Assert.Multiple(() =>
        {
            Assert.That(progress.Events, Is.Empty);
            Assert.That(progress.Header.Revision, Is.GreaterThanOrEqualTo(put.Header.Revision));
            Assert.That(progress.WatchId, Is.EqualTo(-1), "etcd 3.4 answers a progress request for the whole stream");
        });

        // The canceled watch stays quiet; the other still works.
        await PutAsync("b", "2");
        var a = await PutAsync("a", "1");
        var last = await NextAsync();
        Assert.That(last.WatchId, Is.EqualTo(first.WatchId));
        Assert.That(last.Events.Single().Kv.ModRevision, Is.EqualTo(a.Header.Revision));
    }
}
