using System.Globalization;
using System.Text;
using LocalKube.Abstractions.Drivers;
using LocalKube.Abstractions.Errors;
using LocalKube.Drivers.Vm.GuestAgent;
using LocalKube.Drivers.Vm.NodeAgent;
using NUnit.Framework;

namespace LocalKube.Drivers.Qemu.Tests.Vm;

/// <summary>The host side of localkube-agentctl, against a guest whose agent log is a string the test grows.</summary>
[TestFixture]
[Category("Unit")]
public sealed class VmNodeAgentTests
{
    [Test]
    public async Task ReadLog_Tail_ReturnsTheLastCompleteLinesOnly()
    {
        var guest = new FakeGuest { Log = "one\ntwo\nthree\npart" };

        var lines = await Collect(new VmNodeAgent(guest).ReadLogAsync(2, follow: false, TimeSpan.Zero, CancellationToken.None));

        Assert.That(lines, Is.EqualTo(new[] { "two", "three" }));
    }

    [Test]
    public async Task ReadLog_Follow_CompletesThePartialLineAndYieldsNewOnes()
    {
        var guest = new FakeGuest { Log = "one\npar" };
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var lines = new VmNodeAgent(guest).ReadLogAsync(10, follow: true, TimeSpan.FromMilliseconds(10), cts.Token).GetAsyncEnumerator(cts.Token);

        Assert.That(await lines.MoveNextAsync(), Is.True);
        var first = lines.Current;
        guest.Log += "tial\ntwo\n";
        Assert.That(await lines.MoveNextAsync(), Is.True);
        var second = lines.Current;
        Assert.That(await lines.MoveNextAsync(), Is.True);
        var third = lines.Current;
        guest.Log = "new log\n"; // replaced (shorter): read again from its start
        Assert.That(await lines.MoveNextAsync(), Is.True);
        var fourth = lines.Current;
        await cts.CancelAsync();
        await lines.DisposeAsync();

        Assert.That(new[] { first, second, third, fourth }, Is.EqualTo(new[] { "one", "partial", "two", "new log" }));
    }

    [Test]
    public async Task Start_PassesBundleCertificatesAndTheContainerNodesArguments()
    {
        var guest = new FakeGuest();

        await new VmNodeAgent(guest).StartAsync("/run/localkube/share/agent-1", "/run/localkube/share/certs-1", ["--node-name", "n"], CancellationToken.None);

        Assert.That(guest.Calls.Single(), Is.EqualTo(new[] { "start", "/run/localkube/share/agent-1", "/run/localkube/share/certs-1", "--" }
            .Concat(IsolatedNodeLayout.AgentArguments(["--node-name", "n"]))));
    }

    [TestCase(3, "LK_K8S_AGENT_FAILED")]
    [TestCase(1, "LK_GUEST_PROVISION")]
    public void Start_AgentctlFails_IsReportedWithItsReasonAndOutput(int exitCode, string reason)
    {
        var guest = new FakeGuest { StartResult = (exitCode, "the node agent exited at start:\nboom") };

        var error = Assert.ThrowsAsync<LocalKubeException>(() => new VmNodeAgent(guest).StartAsync("b", "c", [], CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Reason.Id, Is.EqualTo(reason));
            Assert.That(error.Message, Does.Contain("boom"));
        });
    }

    private static async Task<List<string>> Collect(IAsyncEnumerable<string> lines)
    {
        var list = new List<string>();
        await foreach (var line in lines)
        {
            list.Add(line);
        }

        return list;
    }

    /// <summary>Answers localkube-agentctl's tail and read the way the script does, from <see cref="Log"/>.</summary>
    private sealed class FakeGuest : IGuestShell
    {
        public string Log { get; set; } = "";

        public (int Exit, string Error) StartResult { get; set; } = (0, "");

        public List<List<string>> Calls { get; } = [];

        public Task<GuestExecResult> ExecAsync(string path, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Assert.That(path, Is.EqualTo(VmNodeAgent.AgentCtl));
            var bytes = Encoding.UTF8.GetBytes(Log);
            switch (arguments[0])
            {
                case "tail":
                {
                    var n = int.Parse(arguments[1], CultureInfo.InvariantCulture);
                    var lines = Log.Split('\n');
                    var body = Log.EndsWith('\n') ? lines[..^1] : lines;
                    var text = string.Join('\n', body.TakeLast(n)) + (Log.EndsWith('\n') && n > 0 ? "\n" : "");
                    return Result(0, $"{bytes.Length}\n{text}");
                }

                case "read":
                {
                    var offset = long.Parse(arguments[1], CultureInfo.InvariantCulture);
                    var max = int.Parse(arguments[2], CultureInfo.InvariantCulture);
                    if (offset > bytes.Length)
                    {
                        offset = 0;
                    }

                    var data = bytes.AsSpan((int)offset, Math.Min(max, bytes.Length - (int)offset)).ToArray();
                    return Task.FromResult(new GuestExecResult(0, [.. Encoding.ASCII.GetBytes($"{offset} {bytes.Length}\n"), .. data], []));
                }

                default:
                    Calls.Add([.. arguments]);
                    return Result(StartResult.Exit, "", StartResult.Error);
            }
        }

        public Task WriteFileAsync(string guestPath, Stream content, CancellationToken cancellationToken) => Task.CompletedTask;

        private static Task<GuestExecResult> Result(int exit, string output, string error = "") =>
            Task.FromResult(new GuestExecResult(exit, Encoding.UTF8.GetBytes(output), Encoding.UTF8.GetBytes(error)));
    }
}
