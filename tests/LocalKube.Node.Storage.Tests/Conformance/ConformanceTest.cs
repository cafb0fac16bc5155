using Google.Protobuf;
using Grpc.Core;
using LocalKube.Node.Storage.Protocol;
using NUnit.Framework;

namespace LocalKube.Node.Storage.Tests.Conformance;

/// <summary>
/// Base of the conformance suite: every test runs against each <see cref="TargetKind"/> on a shared store, inside
/// its own key prefix, and compares against revisions it observed itself (never absolute ones).
/// </summary>
public abstract class ConformanceTest(TargetKind kind)
{
    protected static readonly CancellationToken None = CancellationToken.None;

    protected TargetKind Kind { get; } = kind;

    protected StoreTarget Target { get; private set; } = null!;

    protected IKeyValueStore Store => Target.Store;

    protected string Prefix { get; private set; } = "";

    [OneTimeSetUp]
    public async Task StartTargetAsync() => Target = await Targets.SharedAsync(Kind);

    [SetUp]
    public void NewPrefix() => Prefix = $"/conf/{Guid.NewGuid():N}/";

    protected ByteString K(string name) => ByteString.CopyFromUtf8(Prefix + name);

    protected static ByteString V(string value) => ByteString.CopyFromUtf8(value);

    /// <summary>The end of the prefix range of the test's keys (etcd's "prefix" = key with last byte + 1).</summary>
    protected ByteString PrefixEnd() => PrefixEndOf(ByteString.CopyFromUtf8(Prefix));

    protected static ByteString PrefixEndOf(ByteString prefix)
    {
        var bytes = prefix.ToByteArray();
        bytes[^1]++;
        return ByteString.CopyFrom(bytes);
    }

    protected async Task<PutResponse> PutAsync(string name, string value, long lease = 0) =>
        await Store.PutAsync(new PutRequest { Key = K(name), Value = V(value), Lease = lease }, None);

    protected async Task<KeyValue?> GetAsync(string name, long revision = 0)
    {
        var response = await Store.RangeAsync(new RangeRequest { Key = K(name), Revision = revision }, None);
        return response.Kvs.SingleOrDefault();
    }

    protected async Task<RangeResponse> ListAsync(long revision = 0) =>
        await Store.RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8(Prefix), RangeEnd = PrefixEnd(), Revision = revision }, None);

    protected async Task<long> CurrentRevisionAsync() =>
        (await Store.RangeAsync(new RangeRequest { Key = K("~"), CountOnly = true }, None)).Header.Revision;

    protected static async Task<RpcException> FailsAsync(Func<Task> call, StatusCode code, string message)
    {
        var e = Assert.ThrowsAsync<RpcException>(async () => await call());
        Assert.Multiple(() =>
        {
            Assert.That(e!.StatusCode, Is.EqualTo(code), e.Status.Detail);
            Assert.That(e.Status.Detail, Is.EqualTo(message));
        });
        return await Task.FromResult(e!);
    }

    protected static string Str(ByteString b) => b.ToStringUtf8();
}
