using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using LocalKube.Node.Kubelet.Runtime.Simulated;
using LocalKube.Node.Kubelet.Server;
using LocalKube.Node.Kubelet.Tests.Core;
using LocalKube.Node.Testing;
using LocalKube.Testing;
using LocalKube.Testing.Fuzz;
using Microsoft.Extensions.Logging.Abstractions;

namespace LocalKube.Node.Kubelet.Tests.Fuzz;

/// <summary>
/// Sends the kubelet's API (<see cref="KubeletServer"/> over the kubelet core and the simulated runtime, both ports,
/// raw HTTP/1.1 over real sockets on 127.0.0.1) requests built from valid ones and then broken
/// (<see cref="KubeletFuzzRequests"/>). Invariants: every complete request gets an answer; no 5xx but upstream's own
/// (see <see cref="UpstreamServerError"/>); nothing is served to a caller without credentials or permission; and after
/// every case the read-only port still answers <c>/healthz</c> (the secure one every 50 cases).
/// </summary>
[TestFixture]
[Category("Fuzz")]
[NonParallelizable]
public sealed class KubeletServerFuzzTests
{
    private const int Cases = 1_000;
    private const string Node = "fuzz-node";
    private const string GoodToken = "fuzz-token";
    private const string ForbiddenToken = "forbidden-token";

    /// <summary>How long the fresh seed may run in CI (a long session sets LOCALKUBE_FUZZ_SECONDS instead).</summary>
    private static readonly TimeSpan FreshBudget = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan AnswerWait = TimeSpan.FromSeconds(15);

    private TempDirectory _dir = null!;
    private NodeTestPki _pki = null!;
    private NodeTestPki _strangers = null!;
    private X509Certificate2 _forbidden = null!;
    private FakeKubeletApi _api = null!;
    private KubeletCore _kubelet = null!;
    private CancellationTokenSource _stop = null!;
    private Task _loops = null!;
    private KubeletServer _server = null!;
    private List<FuzzPod> _pods = null!;
    private int _sent;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _dir = new TempDirectory("kubelet-fuzz");
        _pki = new NodeTestPki();
        _strangers = new NodeTestPki();
        _forbidden = _pki.IssueClient("nobody", []);
        _pki.WriteCertDir(_dir.Combine("certs"), Node);
        _api = new FakeKubeletApi();
        var runtime = new SimulatedRuntime(TimeProvider.System);
        var options = new KubeletOptions
        {
            NodeName = Node,
            RootDirectory = _dir.Combine("root"),
            PodLogDirectory = _dir.Combine("logs"),
            StaticPodPath = _dir.Combine("manifests"),
            MaterializeFiles = false,
            StatusResyncPeriod = TimeSpan.FromSeconds(1),
        };
        Directory.CreateDirectory(options.StaticPodPath);
        _kubelet = new KubeletCore(runtime, _api, _api, options, TimeProvider.System, NullLoggerFactory.Instance);
        _stop = new CancellationTokenSource();
        _loops = Task.Run(() => _kubelet.RunAsync(_stop.Token));

        var web = Pod("web", "default", ["app", "sidecar"], new() { [SimulatedAnnotations.LogInterval] = "100ms", [SimulatedAnnotations.EchoPorts] = "8080" });
        web.Spec.InitContainers = [new V1Container { Name = "setup", Image = "busybox:1.36" }];
        V1Pod[] pods =
        [
            web,
            Pod("crash", "default", ["crash"], new() { [SimulatedAnnotations.RunDuration] = "100ms", [SimulatedAnnotations.ExitCode] = "1" }),
            Pod("done", "default", ["job"], new() { [SimulatedAnnotations.RunDuration] = "50ms" }, restartPolicy: "Never"),
            Pod("slow", "default", ["starting"], new() { [SimulatedAnnotations.StartDelay] = "1h" }),
            Pod("coredns", "kube-system", ["coredns"], new()),
        ];
        foreach (var pod in pods)
        {
            _kubelet.OnPodAdded(_api.Add(pod));
        }

        _server = await KubeletServer.StartAsync(
            new KubeletServerOptions
            {
                BindAddress = "127.0.0.1",
                Port = 0,
                ReadOnlyPort = 0,
                CertDir = _dir.Combine("certs"),
                RootDirectory = options.RootDirectory,
                StreamCreationTimeout = TimeSpan.FromSeconds(2),
            },
            new CorePodSource(Node, runtime, () => _kubelet), new Reviewer(), NullLoggerFactory.Instance, TimeProvider.System, CancellationToken.None);

        await WaitUntilAsync(() => Status("web")?.Phase == "Running" && Status("done")?.Phase == "Succeeded" && Status("coredns")?.Phase == "Running"
            && Status("crash")?.ContainerStatuses?.SingleOrDefault()?.LastState?.Terminated is not null);
        _pods = [.. pods.Select(p => new FuzzPod(p.Metadata.NamespaceProperty, p.Metadata.Name, _api.Get(p.Metadata.Name, p.Metadata.NamespaceProperty)!.Metadata.Uid,
            [.. p.Spec.Containers.Select(c => c.Name), .. (p.Spec.InitContainers ?? []).Select(c => c.Name), "nope"]))];
        _pods.Add(new FuzzPod("default", "ghost", "0000", ["app"]));
        _pods.Add(new FuzzPod("other", "web", "1111", ["app"]));
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _server.DisposeAsync();
        await _stop.CancelAsync();
        try
        {
            await _loops;
        }
        catch (OperationCanceledException)
        {
        }

        await _kubelet.DisposeAsync();
        _stop.Dispose();
        _forbidden.Dispose();
        _strangers.Dispose();
        _pki.Dispose();
        _dir.Dispose();
    }

    [Test]
    public async Task Broken_requests_get_a_4xx_never_a_5xx_and_the_kubelet_keeps_answering()
    {
        var gen = new FuzzGen<KubeletFuzzRequest>(pcg => KubeletFuzzRequests.Generate(pcg, _pods), r => r.Size);
        var report = await FuzzRun.RunAsync("kubelet", gen, CheckAsync, Cases, r => r.ToString(), FreshBudget);
        Assert.That(report.Outcomes.Keys, Is.SupersetOf(new[]
        {
            "containerLogs 200", "containerLogs 400", "containerLogs 404", "exec 400", "portForward 101", "read-only 200", "unknown 404", "runningpods 200",
            "containerLogs 401", "exec 403",
        }), "the valid cases were served and the broken ones refused");

        // At least one exec or attach upgraded. Only the fixed seed is the same on every run, and its 2,000 cases hold
        // no exec that is valid in every part (a running container, kubectl's headers, a known user): every one of its
        // exec 500s names a container that is not running (nope, setup, starting, crash, job). An exec 101 came only
        // from some fresh seeds, so requiring it failed at random; the served exec is its own test below.
        Assert.That(report.Outcomes.Keys, Has.Some.Matches<string>(k => k is "exec 101" or "attach 101"), "a valid exec or attach was served");
    }

    /// <summary>The valid exec the fuzz cases surround: kubectl's WebSocket upgrade to a running container.</summary>
    [TestCase("/exec/default/web/app?command=true&stdout=true&stderr=true")]
    [TestCase("/exec/kube-system/coredns/coredns?command=sh&command=-c&command=echo%20hi&stdin=true&stdout=true&tty=true")]
    public async Task A_valid_exec_is_upgraded(string target)
    {
        (string, string)[] headers =
        [
            ("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
            ("Sec-WebSocket-Version", "13"), ("Sec-WebSocket-Protocol", "v5.channel.k8s.io"),
        ];
        var answer = await SendAsync(new KubeletFuzzRequest(false, FuzzAuth.Certificate, "exec", "GET", target, headers, null, "valid"));
        Assert.That(answer?.Status, Is.EqualTo(101), answer?.Text);
    }

    /// <summary>Cases the fuzz target found, answered as upstream's kubelet answers them.</summary>
    [TestCase("POST", "/exec/default/ghost/app?command=true&stdout=true", 404, "pod does not exist")]
    [TestCase("POST", "/attach/other/web/app?stdout=true", 404, "pod does not exist")]
    [TestCase("POST", "/exec/default/web/nope?command=true&stdout=true", 500, "container not found (\"nope\")")]
    [TestCase("POST", "/exec/default/web/0000/app?command=true&stdout=true", 500, "container not found (\"app\")")]
    [TestCase("POST", "/portForward/default/web/0000?ports=8080", 404, "pod not found")]
    [TestCase("GET", "/containerLogs/default/web/app?sinceSeconds=9223372036854775807&tailLines=1", 200, "")]
    [TestCase("GET", "/containerLogs/default/ghost/app?tailLines=x", 400, "Unable to decode query: tailLines: \"x\" is not an integer")]
    [TestCase("GET", "/containerLogs/default/ghost/app?tailLines=-1", 422, "Invalid request: tailLines: Invalid value: -1")]
    [TestCase("GET", "/containerLogs/default/ghost/app?tailLines=1", 404, "pod \"ghost\" does not exist")]
    [TestCase("GET", "/containerLogs/kube-system/coredns/coredns?follow=true&timestamps=true&tailLines=0", 200, "")]
    [TestCase("GET", "/containerLogs/default/slow/starting?follow=true", 400, "container \"starting\" in pod \"slow\" is waiting to start")]
    public async Task Found_by_fuzzing(string method, string target, int status, string text)
    {
        var answer = await SendAsync(new KubeletFuzzRequest(false, FuzzAuth.Certificate, "regression", method, target, [], null, "regression"));
        Assert.That(answer?.Status, Is.EqualTo(status), answer?.Text);
        Assert.That(answer!.Text, Does.StartWith(text));
    }

    private async Task<string> CheckAsync(KubeletFuzzRequest request)
    {
        var answer = await SendAsync(request);
        if (answer is null)
        {
            throw new AssertionException("the connection closed without an answer");
        }

        var outcome = $"{request.Endpoint} {answer.Status}";
        if (answer.Status is < 100 or > 599)
        {
            throw new AssertionException($"an answer without a status line: {answer.Text}");
        }

        if (answer.Status >= 500 && !UpstreamServerError(request, answer))
        {
            throw new AssertionException($"answered {answer.Status}: {answer.Text}");
        }

        // Kestrel refuses malformed HTTP before any handler (400, 405 for CONNECT, 413, 414, 431): that is no leak.
        var refusedAsHttp = answer.Status is 400 or 405 or 413 or 414 or 431;
        if (request.Unauthenticated && answer.Status != 401 && !refusedAsHttp)
        {
            throw new AssertionException($"a caller without valid credentials got {answer.Status}: {answer.Text}");
        }

        // A forbidden user whose request also carries an odd Authorization header may be unknown instead (401).
        if (request.Forbidden && answer.Status is not (403 or 401) && !refusedAsHttp)
        {
            throw new AssertionException($"a caller without permission got {answer.Status}: {answer.Text}");
        }

        var healthz = await SendAsync(new KubeletFuzzRequest(true, FuzzAuth.None, "probe", "GET", "/healthz", [], null, "probe"));
        if (healthz is not { Status: 200 } || healthz.Text != "ok")
        {
            throw new AssertionException($"after this case the read-only port answers /healthz with {healthz?.Status.ToString() ?? "nothing"} ({outcome})");
        }

        if (Interlocked.Increment(ref _sent) % 50 == 0
            && await SendAsync(new KubeletFuzzRequest(false, FuzzAuth.Certificate, "probe", "GET", "/healthz", [], null, "probe")) is not { Status: 200 })
        {
            throw new AssertionException($"after this case the secure port no longer answers /healthz ({outcome})");
        }

        return outcome;
    }

    /// <summary>
    /// The 500s upstream's kubelet answers itself, kept for fidelity (the API server passes them on, and kubectl prints
    /// them): exec or attach to a container that is not running is the streaming server's <c>findContainer</c> error
    /// (<c>container not found ("x")</c>, written by <c>streaming.WriteError</c> as a 500), and a port-forward to a pod
    /// without a ready sandbox is <c>GetPortForward</c>'s <c>pod not found ("name_ns")</c>, the same way.
    /// </summary>
    /// <remarks>Both only for a pod the kubelet runs: a missing one is upstream's 404 <c>pod does not exist</c>.</remarks>
    private bool UpstreamServerError(KubeletFuzzRequest request, RawAnswer answer)
    {
        var segments = request.Target.Split('?')[0].Split('/');
        var runs = segments.Length >= 4 && _pods.Take(_pods.Count - 2).Any(p => p.Namespace == segments[2] && p.Name == segments[3]);
        return answer.Status == 500 && runs && segments[1] switch
        {
            "exec" or "attach" => answer.Text.StartsWith("container not found (\"", StringComparison.Ordinal),
            "portForward" => answer.Text.StartsWith("pod not found (\"", StringComparison.Ordinal),
            _ => false,
        };
    }

    private async Task<RawAnswer?> SendAsync(KubeletFuzzRequest request)
    {
        var port = request.ReadOnlyPort ? _server.ReadOnlyPort : _server.Port;
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(AnswerWait);
        await client.ConnectAsync("127.0.0.1", port, timeout.Token);
        Stream stream = client.GetStream();
        string? token = null;
        if (!request.ReadOnlyPort)
        {
            var certificate = request.Auth switch
            {
                FuzzAuth.Certificate => _pki.Admin,
                FuzzAuth.ForbiddenCertificate => _forbidden,
                FuzzAuth.StrangerCertificate => _strangers.Admin,
                _ => null,
            };
            token = request.Auth switch
            {
                FuzzAuth.Token => GoodToken,
                FuzzAuth.ForbiddenToken => ForbiddenToken,
                FuzzAuth.UnknownToken => "made-up",
                _ => null,
            };
            var tls = new SslStream(stream, leaveInnerStreamOpen: false);
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "127.0.0.1",
                ClientCertificates = certificate is null ? null : new X509CertificateCollection { certificate },
                LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate!,
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
            }, timeout.Token);
            stream = tls;
        }

        await using (stream)
        {
            return await RawHttp.ExchangeAsync(stream, request.Encode(port, token), Linger, AnswerWait, timeout.Token);
        }
    }

    private V1PodStatus? Status(string name) => _api.Get(name, name == "coredns" ? "kube-system" : "default")?.Status;

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("the fuzz pods did not reach their states in time");
            }

            await Task.Delay(50);
        }
    }

    private static V1Pod Pod(string name, string ns, string[] containers, Dictionary<string, string> annotations, string restartPolicy = "Always") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Annotations = annotations },
        Spec = new V1PodSpec
        {
            NodeName = Node,
            RestartPolicy = restartPolicy,
            TerminationGracePeriodSeconds = 1,
            Containers = [.. containers.Select(c => new V1Container { Name = c, Image = "busybox:1.36", ImagePullPolicy = "IfNotPresent" })],
        },
    };

    /// <summary>Two tokens and two users: <c>nobody</c> may do nothing, everyone else anything.</summary>
    private sealed class Reviewer : IKubeletAccessReviewer
    {
        public Task<KubeletCaller?> AuthenticateTokenAsync(string token, CancellationToken cancellationToken) => Task.FromResult(token switch
        {
            GoodToken => new KubeletCaller("system:serviceaccount:monitoring:prometheus", ["system:serviceaccounts"]),
            ForbiddenToken => new KubeletCaller("nobody", []),
            _ => null,
        });

        public Task<bool> AuthorizeAsync(KubeletCaller caller, string verb, string subresource, string nodeName, CancellationToken cancellationToken) =>
            Task.FromResult(caller.Name != "nobody");
    }
}
