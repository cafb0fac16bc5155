using Google.Protobuf;
using LocalKube.Node.Storage.Client;
using LocalKube.Node.Storage.Protocol;
using LocalKube.Node.Storage.Tests.Conformance;
using LocalKube.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using NUnit.Framework;

namespace LocalKube.Node.Storage.Tests.Embedded;

/// <summary>--etcd-servers with several members: calls go to a live one even when another is down.</summary>
public sealed class EtcdClientFailoverTests
{
    [Test]
    public async Task Calls_succeed_when_one_of_the_endpoints_is_down()
    {
        using var dir = new TempDirectory("lk-fail");
        await using var server = await StorageServer.StartAsync(new StorageServerOptions
        {
            DataDirectory = dir.Path,
            ListenClientUrls = "http://127.0.0.1:0",
            AutoCompactionRetention = TimeSpan.Zero,
            LoggerFactory = NullLoggerFactory.Instance,
        }, CancellationToken.None);
        var dead = new Uri($"http://127.0.0.1:{Ports.Free()}");
        await using var client = EtcdClientKeyValueStore.Connect([dead, new Uri(server.Urls[0])]);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        for (var i = 0; i < 10; i++)
        {
            var put = await client.PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8($"k{i}"), Value = ByteString.CopyFromUtf8("v") }, cts.Token);
            Assert.That(put.Header.Revision, Is.EqualTo(i + 2));
        }
    }
}
