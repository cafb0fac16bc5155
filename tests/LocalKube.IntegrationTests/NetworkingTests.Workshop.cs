using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace LocalKube.IntegrationTests;

/// <summary>
/// The seed workshop end to end on the fixture's cluster, with the real kubectl and the files under
/// <c>workshop/</c>, in the tutorial's order: a pod, a TLS sidecar with a Secret and a ConfigMap behind a NodePort,
/// health checks, microservices talking over cluster DNS, scaling, a rolling update and its undo, a canary, and
/// blue/green by switching the service's selector.
/// </summary>
public sealed partial class NetworkingTests
{
    private static readonly string[] Version1 = Enumerable.Repeat("""{"version":"1.0.0"}""", 10).ToArray();
    private static readonly string[] Version2 = Enumerable.Repeat("""{"version":"2.0.0"}""", 10).ToArray();
    private string _frontendPort = "";

    [Test]
    public async Task TheSeedWorkshopRunsEndToEnd()
    {
        var watch = Stopwatch.StartNew();
        await _cluster.BuildWorkshopImagesAsync();
        var certificate = Workshop.WriteTls(Path.Combine(_cluster.Env.Home, "tls"));

        // Everything is created up front (the pods start in parallel); the steps below check them in order.
        await KubectlOkAsync("create", "secret", "generic", "tls-certs", $"--from-file={Path.Combine(_cluster.Env.Home, "tls")}");
        await KubectlOkAsync("create", "configmap", "nginx-proxy-conf", $"--from-file={Workshop.File("nginx/proxy.conf")}");
        await KubectlOkAsync("create", "configmap", "nginx-frontend-conf", $"--from-file={Workshop.File("nginx/frontend.conf")}");
        string[] files = ["pods/monolith.yaml", "pods/secure-monolith.yaml", "pods/healthy-monolith.yaml", "services/monolith.yaml",
            "deployments/auth.yaml", "deployments/hello.yaml", "deployments/frontend.yaml", "services/auth.yaml", "services/hello.yaml", "services/frontend.yaml"];
        await KubectlOkAsync(["apply", .. files.SelectMany(f => new[] { "-f", Workshop.File(f) })]);
        try
        {
            await _cluster.WaitAsync("--for=condition=Ready", "pod/monolith", "pod/secure-monolith", "pod/healthy-monolith");
            await _cluster.WaitAsync("--for=condition=Available", "deployment/auth", "deployment/hello", "deployment/frontend");
            await MonolithAnswersThroughPortForwardAsync();
            await SecureMonolithAnswersOverTlsThroughTheNodePortAsync(certificate);
            await HealthChecksRestartAndUnreadyAsync();
            await FrontendReachesHelloAndAuthOverClusterDnsAsync();

            await KubectlOkAsync("scale", "deployment", "hello", "--replicas=3");
            await _cluster.WaitAsync("--for=jsonpath={.status.readyReplicas}=3", "deployment/hello");
            var versions = await ThroughFrontendAsync("/version", 10);
            Assert.That(versions, Is.EqualTo(Version1), "three replicas of 1.0.0 behind the frontend");

            await RollingUpdateAndUndoAsync();
            await CanaryGetsAShareAsync();
            await BlueGreenSwitchesBySelectorAsync();
        }
        finally
        {
            // The tutorial's clean-up; it also frees the host port 443 that a later `tunnel` would take for the
            // frontend (a LoadBalancer).
            await _cluster.Env.KubectlAsync(["delete", "--wait=false", "--ignore-not-found", .. files.SelectMany(f => new[] { "-f", Workshop.File(f) }),
                "-f", Workshop.File("deployments/hello-canary.yaml"), "-f", Workshop.File("deployments/hello-green.yaml")]);
        }

        TestContext.Out.WriteLine($"workshop: {watch.Elapsed.TotalSeconds:0.0} s");
    }

    // Step 1: kubectl port-forward to the pod, then the monolith's API: /, /login, /secure.
    private async Task MonolithAnswersThroughPortForwardAsync()
    {
        using var forward = _cluster.Env.StartKubectl("port-forward", "pod/monolith", ":80");
        try
        {
            var line = await forward.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            var port = Regex.Match(line ?? "", @"127\.0\.0\.1:(\d+) -> 80");
            Assert.That(port.Success, Is.True, $"kubectl port-forward printed '{line}'");
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port.Groups[1].Value}"), Timeout = TimeSpan.FromSeconds(10) };
            Assert.That(await http.GetStringAsync("/"), Is.EqualTo("""{"message":"Hello"}""" + "\n"));
            var denied = await http.GetAsync("/secure");
            Assert.That((int)denied.StatusCode, Is.EqualTo(401));

            using var login = new HttpRequestMessage(HttpMethod.Get, "/login");
            login.Headers.Authorization = new("Basic", Convert.ToBase64String("user:password"u8.ToArray()));
            var token = TokenOf(await (await http.SendAsync(login)).Content.ReadAsStringAsync());
            using var secure = new HttpRequestMessage(HttpMethod.Get, "/secure");
            secure.Headers.Authorization = new("Bearer", token);
            Assert.That(await (await http.SendAsync(secure)).Content.ReadAsStringAsync(), Is.EqualTo("""{"message":"Hello"}""" + "\n"));
        }
        finally
        {
            forward.Kill(entireProcessTree: true);
            await forward.WaitForExitAsync();
        }
    }

    // Steps 2 and 3: the NodePort service selects secure=enabled; until the pod has the label it has no endpoints
    // and refuses at once; then `localkube service monolith --https --url` reaches nginx, which presents the Secret's
    // certificate and proxies to the monolith container over the pod's loopback.
    private async Task SecureMonolithAnswersOverTlsThroughTheNodePortAsync(X509Certificate2 certificate)
    {
        var refused = await _cluster.NodeShellAsync("curl -sk --max-time 5 https://127.0.0.1:31000/ >/dev/null; echo $?");
        Assert.That(refused, Is.EqualTo("7"), "no endpoints yet: connection refused (curl exit 7)");
        await KubectlOkAsync("label", "pods", "secure-monolith", "secure=enabled");
        await _cluster.WaitAsync("--for=jsonpath={.endpoints[0].addresses[0]}", "endpointslices", "-l", "kubernetes.io/service-name=monolith");

        using var service = _cluster.Env.StartLocalKube("service", "monolith", "--https", "--url", "-p", _cluster.Profile);
        try
        {
            var link = await service.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.That(link, Does.Match(@"^https://127\.0\.0\.1:\d+$"), await ErrorOf(service));
            string? presented = null;
            using var handler = new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, cert, _, _) =>
                {
                    presented = cert?.Thumbprint;
                    return true;
                },
            };
            using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(15) };
            var answer = await EventuallyAsync(() => GetOrErrorAsync(http, link!), a => a.Contains("Hello", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
            Assert.That(answer, Is.EqualTo("""{"message":"Hello"}""" + "\n"));
            Assert.That(presented, Is.EqualTo(certificate.Thumbprint), "nginx serves the certificate of the tls-certs Secret");
        }
        finally
        {
            service.Kill(entireProcessTree: true);
            await service.WaitForExitAsync();
        }

        var logs = await KubectlOkAsync("logs", "secure-monolith", "-c", "nginx");
        Assert.That(logs, Does.Contain("GET / HTTP/1.1 -> 127.0.0.1:80"), "nginx's log (kubectl logs -c nginx)");
    }

    // Step 4: readiness takes the pod out of service without a restart; liveness restarts the container.
    private async Task HealthChecksRestartAndUnreadyAsync()
    {
        var ip = (await KubectlOkAsync("get", "pod", "healthy-monolith", "-o", "jsonpath={.status.podIP}")).Trim();
        Assert.That(await _cluster.NodeShellAsync($"curl -s http://{ip}:81/readiness/status"), Is.EqualTo("""{"readiness":"failing"}"""));
        await _cluster.WaitAsync("--for=condition=Ready=false", "pod/healthy-monolith");
        Assert.That(await _cluster.NodeShellAsync($"curl -s http://{ip}:81/readiness/status"), Is.EqualTo("""{"readiness":"ok"}"""));
        await _cluster.WaitAsync("--for=condition=Ready", "pod/healthy-monolith");
        Assert.That(await KubectlOkAsync("get", "pod", "healthy-monolith", "-o", "jsonpath={.status.containerStatuses[0].restartCount}"), Is.EqualTo("0"));

        Assert.That(await _cluster.NodeShellAsync($"curl -s http://{ip}:81/healthz/status"), Is.EqualTo("""{"healthz":"failing"}"""));
        await _cluster.WaitAsync("--for=jsonpath={.status.containerStatuses[0].restartCount}=1", "pod/healthy-monolith");
        await _cluster.WaitAsync("--for=condition=Ready", "pod/healthy-monolith");
        var events = await KubectlOkAsync("get", "events", "--field-selector", "involvedObject.name=healthy-monolith", "-o", "jsonpath={.items[*].message}");
        Assert.That(events, Does.Contain("Liveness probe failed").And.Contain("Readiness probe failed"));
    }

    // Step 5: the frontend (nginx) sends / to hello and /login to auth by their cluster DNS names.
    private async Task FrontendReachesHelloAndAuthOverClusterDnsAsync()
    {
        Assert.That(await ThroughFrontendAsync("/", 1), Is.EqualTo(new[] { """{"message":"Hello"}""" }));
        var login = await ThroughFrontendAsync("/login", 1, "-u user:password");
        var token = TokenOf(login.Single());
        Assert.That(await ThroughFrontendAsync("/secure", 1, $"-H 'Authorization: Bearer {token}'"), Is.EqualTo(new[] { """{"message":"Hello"}""" }));
        Assert.That(await ThroughFrontendAsync("/secure", 1), Is.EqualTo(new[] { """{"message":"authorization failed"}""" }));
        var logs = await KubectlOkAsync("logs", "deployment/frontend");
        Assert.That(logs, Does.Contain("-> hello.default.svc.cluster.local").And.Contain("-> auth.default.svc.cluster.local"));
    }

    // Step 7: a rolling update to 2.0.0, its history, and the undo back to 1.0.0.
    private async Task RollingUpdateAndUndoAsync()
    {
        await KubectlOkAsync("set", "image", "deployment/hello", "hello=localkube-workshop/hello:2.0.0");
        await KubectlOkAsync("rollout", "status", "deployment/hello", "--timeout=120s");
        Assert.That(await EventuallyAsync(() => ThroughFrontendAsync("/version", 10), v => v.SequenceEqual(Version2), TimeSpan.FromSeconds(30)),
            Is.EqualTo(Version2), "after the rolling update every answer is 2.0.0");
        var history = await KubectlOkAsync("rollout", "history", "deployment/hello");
        Assert.That(history, Does.Match(@"(?m)^1\s").And.Match(@"(?m)^2\s"), history);

        await KubectlOkAsync("rollout", "undo", "deployment/hello");
        await KubectlOkAsync("rollout", "status", "deployment/hello", "--timeout=120s");
        Assert.That(await EventuallyAsync(() => ThroughFrontendAsync("/version", 10), v => v.SequenceEqual(Version1), TimeSpan.FromSeconds(30)),
            Is.EqualTo(Version1), "after the undo every answer is 1.0.0 again");
        Assert.That(await KubectlOkAsync("get", "deployment", "hello", "-o", "jsonpath={.spec.template.spec.containers[0].image}"),
            Is.EqualTo("localkube-workshop/hello:1.0.0"));
    }

    // Step 8: one canary pod of 2.0.0 next to three stable ones gets a share of the requests.
    private async Task CanaryGetsAShareAsync()
    {
        await KubectlOkAsync("apply", "-f", Workshop.File("deployments/hello-canary.yaml"));
        await _cluster.WaitAsync("--for=condition=Available", "deployment/hello-canary");
        var seen = new HashSet<string>();
        for (var round = 0; round < 6 && seen.Count < 2; round++)
        {
            seen.UnionWith(await ThroughFrontendAsync("/version", 10));
        }

        Assert.That(seen, Is.EquivalentTo(new[] { """{"version":"1.0.0"}""", """{"version":"2.0.0"}""" }), "stable and canary both answer");
        await KubectlOkAsync("delete", "-f", Workshop.File("deployments/hello-canary.yaml"));
    }

    // Step 9: the service follows its selector: blue (1.0.0), then green (2.0.0), then back to blue.
    private async Task BlueGreenSwitchesBySelectorAsync()
    {
        await KubectlOkAsync("apply", "-f", Workshop.File("services/hello-blue.yaml"));
        await KubectlOkAsync("apply", "-f", Workshop.File("deployments/hello-green.yaml"));
        await _cluster.WaitAsync("--for=condition=Available", "deployment/hello-green");
        Assert.That(await EventuallyAsync(() => ThroughFrontendAsync("/version", 10), v => v.SequenceEqual(Version1), TimeSpan.FromSeconds(30)),
            Is.EqualTo(Version1), "blue: green pods run but the service does not select them");

        await KubectlOkAsync("apply", "-f", Workshop.File("services/hello-green.yaml"));
        Assert.That(await EventuallyAsync(() => ThroughFrontendAsync("/version", 10), v => v.SequenceEqual(Version2), TimeSpan.FromSeconds(30)),
            Is.EqualTo(Version2), "green: the selector switched every request to 2.0.0");

        await KubectlOkAsync("apply", "-f", Workshop.File("services/hello-blue.yaml"));
        Assert.That(await EventuallyAsync(() => ThroughFrontendAsync("/version", 10), v => v.SequenceEqual(Version1), TimeSpan.FromSeconds(30)),
            Is.EqualTo(Version1), "back to blue");
    }

    // curl in the node through the frontend's NodePort (the node's 127.0.0.1), one answer per line.
    private async Task<string[]> ThroughFrontendAsync(string path, int count, string curl = "")
    {
        if (_frontendPort.Length == 0)
        {
            _frontendPort = (await KubectlOkAsync("get", "svc", "frontend", "-o", "jsonpath={.spec.ports[0].nodePort}")).Trim();
        }

        var port = _frontendPort;
        var output = await _cluster.NodeShellAsync($"for i in $(seq {count}); do curl -sk --max-time 10 {curl} https://127.0.0.1:{port}{path} || printf 'curl exit %s' $?; echo; done");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    private async Task<string> KubectlOkAsync(params string[] args)
    {
        var result = await _cluster.Env.KubectlAsync(args);
        Assert.That(result.ExitCode, Is.Zero, $"kubectl {string.Join(' ', args)}: {result.StandardError}");
        return result.StandardOutput;
    }

    private static string TokenOf(string json)
    {
        var token = Regex.Match(json, "\"token\":\"([^\"]+)\"");
        Assert.That(token.Success, Is.True, $"a token in '{json}'");
        return token.Groups[1].Value;
    }

    private static async Task<string> GetOrErrorAsync(HttpClient http, string url)
    {
        try
        {
            return await http.GetStringAsync(url);
        }
        catch (HttpRequestException e)
        {
            return e.Message;
        }
    }

    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await probe();
            if (done(value) || DateTime.UtcNow >= deadline)
            {
                return value;
            }

            await Task.Delay(500);
        }
    }
}
