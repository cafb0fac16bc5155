using Google.Protobuf;
using Grpc.Core;
using k8s;
using k8s.Autorest;
using k8s.Models;
using LocalKube.Node.ApiServer.Storage;
using LocalKube.Node.Storage;
using LocalKube.Node.Storage.Client;
using LocalKube.Node.Storage.Protocol;
using LocalKube.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.Rest;

/// <summary>
/// Periodic compaction with <c>apiserver.etcd-compaction-interval</c>: the API server compacts an external etcd
/// (tested against a real one; several compactors share the work through <c>compact_rev_key</c>), and the embedded
/// store keeps the same window of history.
/// </summary>
[Parallelizable(ParallelScope.None)]
public sealed class CompactionTests
{
    [Test]
    public async Task The_api_server_compacts_etcd_every_interval_so_old_revisions_become_unreadable()
    {
        using var pki = new TestPki();
        using var temp = new TempDirectory("lk-compact");
        await using var etcd = await EtcdServer.StartAsync(CancellationToken.None);
        await using var agent = await RunningAgent.StartAsync(pki, etcdServers: [etcd.Url], extraConfig: ["apiserver.etcd-compaction-interval=1s"]);
        using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(pki.WriteKubeconfig(temp.Combine("kubeconfig"), agent.Port)));
        var created = await client.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "old" } }, "default");
        var revision = long.Parse(created.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture);

        // The compactor's own bookkeeping writes move the revision on; within a few intervals it passes `revision`.
        await using var direct = EtcdClientKeyValueStore.Connect([new Uri(etcd.Url)]);
        var key = ByteString.CopyFromUtf8("/registry/configmaps/default/old");
        var error = await PollAsync(async () =>
        {
            try
            {
                await direct.RangeAsync(new RangeRequest { Key = key, Revision = revision - 1 }, CancellationToken.None);
                return null;
            }
            catch (RpcException e)
            {
                return e;
            }
        });
        Assert.Multiple(() =>
        {
            Assert.That(error.StatusCode, Is.EqualTo(StatusCode.OutOfRange));
            Assert.That(error.Status.Detail, Is.EqualTo("etcdserver: mvcc: required revision has been compacted"));
        });

        var marker = await direct.RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8(EtcdCompactor.CompactRevKey) }, CancellationToken.None);
        Assert.That(marker.Kvs.Single().Version, Is.GreaterThanOrEqualTo(2), "one claim per interval advances the shared clock");

        // Through the API: an exact list at the compacted revision is 410 Gone.
        var gone = Assert.ThrowsAsync<HttpOperationException>(async () =>
            await client.ListNamespacedConfigMapAsync("default", resourceVersion: (revision - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), resourceVersionMatch: "Exact"));
        Assert.That((int)gone!.Response.StatusCode, Is.EqualTo(410));
    }

    [Test]
    public async Task The_embedded_store_keeps_one_interval_of_history()
    {
        using var pki = new TestPki();
        using var temp = new TempDirectory("lk-compact");
        await using var agent = await RunningAgent.StartAsync(pki, extraConfig: ["apiserver.etcd-compaction-interval=1s"]);
        using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(pki.WriteKubeconfig(temp.Combine("kubeconfig"), agent.Port)));
        var created = await client.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "old" } }, "default");
        var before = (long.Parse(created.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture) - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

        var gone = await PollAsync(async () =>
        {
            try
            {
                await client.ListNamespacedConfigMapAsync("default", resourceVersion: before, resourceVersionMatch: "Exact");
                return null;
            }
            catch (HttpOperationException e)
            {
                return e;
            }
        });
        Assert.That((int)gone.Response.StatusCode, Is.EqualTo(410));
    }

    [Test]
    public async Task Cooperating_compactors_take_turns_and_only_the_claimant_compacts()
    {
        await using var etcd = await EtcdServer.StartAsync(CancellationToken.None);
        await using var store = EtcdClientKeyValueStore.Connect([new Uri(etcd.Url)]);
        var a = new EtcdCompactor(store, TimeSpan.FromMinutes(5), TimeProvider.System, NullLogger.Instance);
        var b = new EtcdCompactor(store, TimeSpan.FromMinutes(5), TimeProvider.System, NullLogger.Instance);
        await PutAsync(store, "/x", "1");

        // a claims the first interval (nothing to compact yet); b loses the race and adopts a's clock.
        Assert.That(await a.CompactOnceAsync(CancellationToken.None), Is.Zero);
        var afterFirst = await RevisionAsync(store);
        Assert.That(await b.CompactOnceAsync(CancellationToken.None), Is.Zero);
        await PutAsync(store, "/x", "2");

        // a claims again and compacts to what it saw one step earlier.
        var compacted = await a.CompactOnceAsync(CancellationToken.None);
        Assert.That(compacted, Is.EqualTo(afterFirst));

        // b, behind by one claim, loses again and learns what was compacted; then a stops (crashed) and b takes over.
        Assert.That(await b.CompactOnceAsync(CancellationToken.None), Is.Zero);
        Assert.That(b.CompactedRevision, Is.EqualTo(compacted));
        await PutAsync(store, "/x", "3");
        var beforeTakeover = await RevisionAsync(store);
        var taken = await b.CompactOnceAsync(CancellationToken.None);
        Assert.That(taken, Is.GreaterThan(compacted).And.LessThanOrEqualTo(beforeTakeover));

        var e = Assert.ThrowsAsync<RpcException>(async () =>
            await store.RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8("/x"), Revision = taken - 1 }, CancellationToken.None));
        Assert.That(e!.Status.Detail, Does.Contain("compacted"));
    }

    [TestCase("5m0s", 300_000)]
    [TestCase("30s", 30_000)]
    [TestCase("1h30m", 5_400_000)]
    [TestCase("500ms", 500)]
    [TestCase("1.5s", 1_500)]
    [TestCase("0", 0)]
    public void Intervals_are_go_durations(string text, long milliseconds) =>
        Assert.That(EtcdCompactor.ParseInterval(text), Is.EqualTo(TimeSpan.FromMilliseconds(milliseconds)));

    [TestCase("")]
    [TestCase("5")]
    [TestCase("5 minutes")]
    [TestCase("m")]
    public void Bad_intervals_are_refused(string text) =>
        Assert.Throws<FormatException>(() => EtcdCompactor.ParseInterval(text));

    private static async Task PutAsync(IKeyValueStore store, string key, string value) =>
        await store.PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFromUtf8(value) }, CancellationToken.None);

    private static async Task<long> RevisionAsync(IKeyValueStore store) =>
        (await store.RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8("/none"), CountOnly = true }, CancellationToken.None)).Header.Revision;

    // Polls until `probe` yields a value; fails after a generous bound (the interval under test is 1 s).
    private static async Task<T> PollAsync<T>(Func<Task<T?>> probe)
        where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("storage was not compacted within 60 s");
            }

            await Task.Delay(200);
        }
    }
}
