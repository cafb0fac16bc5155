using Google.Protobuf;
using Grpc.Core;
using LocalKube.Node.Storage.Protocol;
using NUnit.Framework;

namespace LocalKube.Node.Storage.Tests.Conformance;

[TestFixture(TargetKind.Embedded)]
[TestFixture(TargetKind.EmbeddedGrpc)]
[TestFixture(TargetKind.Etcd)]
public sealed class ErrorConformanceTests(TargetKind kind) : ConformanceTest(kind)
{
    [Test]
    public async Task Empty_keys_are_refused()
    {
        await FailsAsync(() => Store.PutAsync(new PutRequest { Value = V("x") }, None), StatusCode.InvalidArgument, "etcdserver: key is not provided");
        await FailsAsync(() => Store.RangeAsync(new RangeRequest(), None), StatusCode.InvalidArgument, "etcdserver: key is not provided");
        await FailsAsync(() => Store.DeleteRangeAsync(new DeleteRangeRequest(), None), StatusCode.InvalidArgument, "etcdserver: key is not provided");
    }

    [Test]
    public async Task A_request_over_one_and_a_half_MiB_is_too_large()
    {
        var value = ByteString.CopyFrom(new byte[1572864 + 1024]);
        await FailsAsync(() => Store.PutAsync(new PutRequest { Key = K("big"), Value = value }, None), StatusCode.InvalidArgument, "etcdserver: request is too large");
        var txn = new TxnRequest { Success = { new RequestOp { RequestPut = new PutRequest { Key = K("big"), Value = value } } } };
        await FailsAsync(() => Store.TxnAsync(txn, None), StatusCode.InvalidArgument, "etcdserver: request is too large");
        Assert.That(await GetAsync("big"), Is.Null);

        // Just under the limit is fine.
        await Store.PutAsync(new PutRequest { Key = K("fits"), Value = ByteString.CopyFrom(new byte[1024 * 1024]) }, None);
    }

    [Test]
    public async Task Future_revisions_are_refused()
    {
        var current = await CurrentRevisionAsync();
        await FailsAsync(() => Store.RangeAsync(new RangeRequest { Key = K("a"), Revision = current + 1000 }, None), StatusCode.OutOfRange, "etcdserver: mvcc: required revision is a future revision");
        await FailsAsync(() => Store.CompactAsync(new CompactionRequest { Revision = current + 1000 }, None), StatusCode.OutOfRange, "etcdserver: mvcc: required revision is a future revision");
    }

    [Test]
    public async Task Put_options_are_checked_like_etcd()
    {
        await FailsAsync(() => Store.PutAsync(new PutRequest { Key = K("a"), Value = V("x"), IgnoreValue = true }, None), StatusCode.InvalidArgument, "etcdserver: value is provided");
        await FailsAsync(() => Store.PutAsync(new PutRequest { Key = K("a"), Lease = 5, IgnoreLease = true }, None), StatusCode.InvalidArgument, "etcdserver: lease is provided");
        await FailsAsync(() => Store.PutAsync(new PutRequest { Key = K("a"), IgnoreValue = true }, None), StatusCode.InvalidArgument, "etcdserver: key not found");
        await FailsAsync(() => Store.PutAsync(new PutRequest { Key = K("a"), Value = V("x"), Lease = 0x7a11 }, None), StatusCode.NotFound, "etcdserver: requested lease not found");
    }

    [TestCase(new byte[] { 0x0a, 0x05, 0x61 }, "unexpected EOF")]
    [TestCase(new byte[] { 0x00, 0x01 }, "proto: RangeRequest: illegal tag 0 (wire type 0)")]
    public async Task A_request_that_does_not_decode_is_Internal_as_grpc_go_answers(byte[] body, string cause)
    {
        if (Target.Url is null)
        {
            Assert.Pass("in-process target: no wire");
        }

        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(Target.Url);
        var raw = Marshallers.Create(b => b, b => b);
        var range = new Method<byte[], byte[]>(MethodType.Unary, "etcdserverpb.KV", "Range", raw, raw);
        var unary = Assert.ThrowsAsync<RpcException>(async () => await channel.CreateCallInvoker().AsyncUnaryCall(range, null, default, body))!;
        Assert.That((unary.StatusCode, unary.Status.Detail), Is.EqualTo((StatusCode.Internal, "grpc: error unmarshalling request: " + cause)));

        var watch = new Method<byte[], byte[]>(MethodType.DuplexStreaming, "etcdserverpb.Watch", "Watch", raw, raw);
        using var call = channel.CreateCallInvoker().AsyncDuplexStreamingCall(watch, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(30)));
        await call.RequestStream.WriteAsync([0x0a, 0x05, 0x61]);
        var stream = Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.MoveNext(None))!;
        Assert.That((stream.StatusCode, stream.Status.Detail), Is.EqualTo((StatusCode.Internal, "grpc: failed to unmarshal the received message unexpected EOF")));
    }

    [Test]
    public async Task Status_reports_the_revision_and_a_size()
    {
        var revision = (await PutAsync("s", "1")).Header.Revision;
        var status = await Store.StatusAsync(new StatusRequest(), None);
        Assert.Multiple(() =>
        {
            Assert.That(status.Header.Revision, Is.GreaterThanOrEqualTo(revision));
            Assert.That(status.DbSize, Is.GreaterThan(0));
            Assert.That(status.Leader, Is.EqualTo(status.Header.MemberId));
            Assert.That(status.Version, Does.StartWith("3.4."));
        });
    }
}
