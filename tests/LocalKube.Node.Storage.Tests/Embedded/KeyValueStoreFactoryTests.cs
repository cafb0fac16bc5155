using LocalKube.Node.Storage.Client;
using LocalKube.Testing;
using NUnit.Framework;

namespace LocalKube.Node.Storage.Tests.Embedded;

/// <summary>--etcd-servers picks the backend.</summary>
public sealed class KeyValueStoreFactoryTests
{
    [TestCase(null)]
    [TestCase("")]
    [TestCase("  ")]
    public async Task No_etcd_servers_means_the_embedded_store(string? servers)
    {
        using var dir = new TempDirectory("lk-fac");
        await using var store = await KeyValueStoreFactory.CreateAsync(servers, new StoreOptions { DataDirectory = dir.Path }, CancellationToken.None);
        Assert.That(store, Is.InstanceOf<EmbeddedKeyValueStore>());
        Assert.That(File.Exists(Path.Combine(dir.Path, "member")), Is.True);
    }

    [Test]
    public async Task Etcd_servers_mean_the_grpc_client_and_nothing_is_written_locally()
    {
        using var dir = new TempDirectory("lk-fac");
        await using var store = await KeyValueStoreFactory.CreateAsync("http://127.0.0.1:1,http://127.0.0.1:2", new StoreOptions { DataDirectory = dir.Path }, CancellationToken.None);
        Assert.That(store, Is.InstanceOf<EtcdClientKeyValueStore>());
        Assert.That(Directory.GetFileSystemEntries(dir.Path), Is.Empty);
    }

    [TestCase("https://127.0.0.1:2379")]
    [TestCase("127.0.0.1:2379")]
    [TestCase(",")]
    public void Bad_etcd_servers_are_refused(string servers) =>
        Assert.That(() => KeyValueStoreFactory.ParseServers(servers), Throws.ArgumentException);

    [Test]
    public void Several_servers_are_parsed_in_order() =>
        Assert.That(KeyValueStoreFactory.ParseServers(" http://a:1 ,http://b:2").Select(u => u.Authority), Is.EqualTo(new[] { "a:1", "b:2" }));
}
