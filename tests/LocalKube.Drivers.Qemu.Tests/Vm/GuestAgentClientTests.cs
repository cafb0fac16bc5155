using System.Text;
using LocalKube.Abstractions.Errors;
using LocalKube.Drivers.Vm.GuestAgent;
using LocalKube.Testing;
using NUnit.Framework;

namespace LocalKube.Drivers.Qemu.Tests.Vm;

[TestFixture]
[Category("Unit")]
[Platform("Linux")]
public sealed class GuestAgentClientTests
{
    private TempDirectory _temp = null!;
    private string _socket = null!;

    [SetUp]
    public void SetUp()
    {
        _temp = new TempDirectory("lkg");
        _socket = _temp.Combine("qga.sock");
    }

    [TearDown]
    public void TearDown() => _temp.Dispose();

    [Test]
    public async Task Exec_Command_ReturnsExitCodeAndBothOutputs()
    {
        await using var server = new FakeGuestAgentServer(_socket, (path, args) => (3, $"{path} {string.Join('|', args)}", "warn"))
        {
            PollsBeforeExit = 2,
        };
        await using var client = new GuestAgentClient(GuestAgentClient.UnixSocket(_socket));

        var result = await client.ExecAsync("/bin/echo", ["a b", "ü"], CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(3));
            Assert.That(result.StdoutText, Is.EqualTo("/bin/echo a b|ü"));
            Assert.That(result.StderrText, Is.EqualTo("warn"));
            Assert.That(server.Commands.Count(c => c == "guest-exec-status"), Is.EqualTo(3), "polled until it exited");
        });
    }

    [Test]
    public async Task Connect_StaleBytesBeforeTheSyncReply_AreSkipped()
    {
        await using var server = new FakeGuestAgentServer(_socket, (_, _) => (0, "", ""))
        {
            StaleBeforeSync = "{\"return\": {\"pid\": 7}}\n{\"return\": 12}\n",
        };
        await using var client = new GuestAgentClient(GuestAgentClient.UnixSocket(_socket));

        await client.PingAsync(CancellationToken.None);

        Assert.That(server.Commands, Is.EqualTo(new[] { "guest-sync-delimited", "guest-ping" }));
    }

    [Test]
    public async Task Call_ErrorReply_ThrowsGuestAgentExceptionAndTheNextOperationWorks()
    {
        await using var server = new FakeGuestAgentServer(_socket, (_, _) => (0, "", ""));
        server.Failing.Add("guest-ping");
        await using var client = new GuestAgentClient(GuestAgentClient.UnixSocket(_socket));

        var error = Assert.ThrowsAsync<GuestAgentException>(() => client.PingAsync(CancellationToken.None));
        server.Failing.Clear();
        await client.PingAsync(CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(error!.ErrorClass, Is.EqualTo("GenericError"));
            Assert.That(error.Message, Does.Contain("guest-ping failed on purpose"));
            Assert.That(server.Commands.Count(c => c == "guest-sync-delimited"), Is.EqualTo(2), "each operation has its own connection");
        });
    }

    [Test]
    public async Task Operations_AfterEachOther_DoNotHoldTheSingleClientChannel()
    {
        await using var server = new FakeGuestAgentServer(_socket, (_, _) => (0, "x", ""));
        await using var first = new GuestAgentClient(GuestAgentClient.UnixSocket(_socket));
        await using var second = new GuestAgentClient(GuestAgentClient.UnixSocket(_socket));

        // The fake serves one connection at a time, like QEMU's chardev: a client that kept its connection would
        // block the other one forever.
        await first.PingAsync(CancellationToken.None);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var result = await second.ExecAsync("/bin/true", [], cts.Token);
        await first.PingAsync(cts.Token);

        Assert.That(result.StdoutText, Is.EqualTo("x"));
    }

    [Test]
    public void Call_NoGuestAgent_ThrowsGuestProvision()
    {
        var client = new GuestAgentClient(GuestAgentClient.UnixSocket(_temp.Combine("missing.sock")));

        var error = Assert.ThrowsAsync<LocalKubeException>(() => client.PingAsync(CancellationToken.None));

        Assert.That(error!.Reason, Is.EqualTo(Reasons.GuestProvision));
    }

    [Test]
    public async Task WriteFile_LargerThanOneChunk_ArrivesWhole()
    {
        await using var server = new FakeGuestAgentServer(_socket, (_, _) => (0, "", ""));
        await using var client = new GuestAgentClient(GuestAgentClient.UnixSocket(_socket));
        var content = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 60_000).Select(i => $"{i},")));

        await client.WriteFileAsync("/var/lib/localkube/inbox/agent.tar", new MemoryStream(content), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(server.WrittenFiles["/var/lib/localkube/inbox/agent.tar"], Is.EqualTo(content));
            Assert.That(server.Commands.Count(c => c == "guest-file-write"), Is.GreaterThan(1));
            Assert.That(server.Commands[^1], Is.EqualTo("guest-file-close"));
        });
    }
}
