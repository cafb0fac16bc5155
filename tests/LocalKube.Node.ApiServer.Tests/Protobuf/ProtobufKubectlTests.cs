using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using LocalKube.Node.ApiServer.Protobuf;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.Protobuf;

/// <summary>
/// kubectl 1.32's typed generators (create deployment/secret/service/..., auth can-i) post protobuf bodies; each runs
/// against the in-process agent and the stored object is read back as JSON. Missing kubectl fails in CI.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ProtobufKubectlTests
{
    private KubectlAgent _kubectl = null!;
    private HttpClient _http = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _kubectl = await KubectlAgent.StartAsync("lk-protobuf");
        _http = _kubectl.Agent.CreateClient(_kubectl.Pki.Admin);
        await CreateAsync("namespace", "pb");
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _http?.Dispose();
        if (_kubectl is not null)
        {
            await _kubectl.DisposeAsync();
        }
    }

    [Test]
    public async Task Create_namespace_and_configmap()
    {
        await CreateAsync("configmap", "captured", "-n", "pb", "--from-literal=a=b");
        Assert.That((await GetAsync("configmap", "captured"))["data"]!.ToJsonString(), Is.EqualTo("""{"a":"b"}"""));
        Assert.That((await GetAsync("namespace", "pb", namespaced: false))["status"]!["phase"]!.GetValue<string>(), Is.EqualTo("Active"));
    }

    [Test]
    public async Task Create_deployment()
    {
        await CreateAsync("deployment", "hello", "-n", "pb", "--image=x", "--replicas=2", "--port=8080");
        var deployment = await GetAsync("deployment", "hello");
        Assert.That(deployment["spec"]!["replicas"]!.GetValue<int>(), Is.EqualTo(2));
        Assert.That(deployment["spec"]!["selector"]!["matchLabels"]!.ToJsonString(), Is.EqualTo("""{"app":"hello"}"""));
        Assert.That(deployment["spec"]!["template"]!["metadata"]!["labels"]!.ToJsonString(), Is.EqualTo("""{"app":"hello"}"""));
        var container = deployment["spec"]!["template"]!["spec"]!["containers"]![0]!;
        Assert.That(container["name"]!.GetValue<string>(), Is.EqualTo("x"), "kubectl names the container after the image");
        Assert.That(container["image"]!.GetValue<string>(), Is.EqualTo("x"));
        Assert.That(container["ports"]![0]!["containerPort"]!.GetValue<int>(), Is.EqualTo(8080));

        await CreateAsync("deployment", "idle", "-n", "pb", "--image=x", "--replicas=0");
        Assert.That((await GetAsync("deployment", "idle"))["spec"]!["replicas"]!.GetValue<int>(), Is.Zero);
    }

    [Test]
    public async Task Create_configmap_from_literals_and_files()
    {
        File.WriteAllText(_kubectl.Dir.Combine("app.properties"), "x=1\ny=2\n");
        File.WriteAllBytes(_kubectl.Dir.Combine("blob.bin"), [0, 1, 2, 255]);
        await CreateAsync("configmap", "files", "-n", "pb", "--from-literal=a=b", "--from-file=" + _kubectl.Dir.Combine("app.properties"),
            "--from-file=" + _kubectl.Dir.Combine("blob.bin"), "--validate=false");
        var cm = await GetAsync("configmap", "files");
        Assert.That(cm["data"]!["a"]!.GetValue<string>(), Is.EqualTo("b"));
        Assert.That(cm["data"]!["app.properties"]!.GetValue<string>(), Is.EqualTo("x=1\ny=2\n"));
        Assert.That(cm["binaryData"]!["blob.bin"]!.GetValue<string>(), Is.EqualTo("AAEC/w=="));
    }

    [Test]
    public async Task Create_secrets()
    {
        await CreateAsync("secret", "generic", "s", "-n", "pb", "--from-literal=a=b");
        var generic = await GetAsync("secret", "s");
        Assert.That(generic["data"]!.ToJsonString(), Is.EqualTo("""{"a":"Yg=="}"""));
        Assert.That(generic["type"]!.GetValue<string>(), Is.EqualTo("Opaque"));

        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=tls.example", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var certPem = cert.ExportCertificatePem() + "\n";
        File.WriteAllText(_kubectl.Dir.Combine("tls.crt"), certPem);
        File.WriteAllText(_kubectl.Dir.Combine("tls.key"), key.ExportPkcs8PrivateKeyPem() + "\n");
        await CreateAsync("secret", "tls", "t", "-n", "pb", "--cert=" + _kubectl.Dir.Combine("tls.crt"), "--key=" + _kubectl.Dir.Combine("tls.key"));
        var tls = await GetAsync("secret", "t");
        Assert.That(tls["type"]!.GetValue<string>(), Is.EqualTo("kubernetes.io/tls"));
        Assert.That(Encoding.UTF8.GetString(Convert.FromBase64String(tls["data"]!["tls.crt"]!.GetValue<string>())), Is.EqualTo(certPem));
        Assert.That(tls["data"]!.AsObject().ContainsKey("tls.key"), Is.True);

        await CreateAsync("secret", "docker-registry", "reg", "-n", "pb", "--docker-username=u", "--docker-password=p",
            "--docker-server=registry.example", "--validate=false");
        var registry = await GetAsync("secret", "reg");
        Assert.That(registry["type"]!.GetValue<string>(), Is.EqualTo("kubernetes.io/dockerconfigjson"));
        var config = Encoding.UTF8.GetString(Convert.FromBase64String(registry["data"]![".dockerconfigjson"]!.GetValue<string>()));
        Assert.That(JsonNode.Parse(config)!["auths"]!["registry.example"]!["username"]!.GetValue<string>(), Is.EqualTo("u"));
    }

    [Test]
    public async Task Create_services()
    {
        await CreateAsync("service", "clusterip", "cip", "-n", "pb", "--tcp=80:8080");
        var cip = await GetAsync("service", "cip");
        Assert.That(cip["spec"]!["type"]!.GetValue<string>(), Is.EqualTo("ClusterIP"));
        Assert.That(cip["spec"]!["selector"]!.ToJsonString(), Is.EqualTo("""{"app":"cip"}"""));
        Assert.That(cip["spec"]!["ports"]![0]!["port"]!.GetValue<int>(), Is.EqualTo(80));
        Assert.That(cip["spec"]!["ports"]![0]!["targetPort"]!.GetValue<int>(), Is.EqualTo(8080));

        await CreateAsync("service", "clusterip", "headless", "-n", "pb", "--clusterip=None");
        Assert.That((await GetAsync("service", "headless"))["spec"]!["clusterIP"]!.GetValue<string>(), Is.EqualTo("None"));

        await CreateAsync("service", "nodeport", "np", "-n", "pb", "--tcp=80:8080", "--node-port=30080");
        var np = await GetAsync("service", "np");
        Assert.That(np["spec"]!["type"]!.GetValue<string>(), Is.EqualTo("NodePort"));
        Assert.That(np["spec"]!["ports"]![0]!["nodePort"]!.GetValue<int>(), Is.EqualTo(30080));

        await CreateAsync("service", "loadbalancer", "lb", "-n", "pb", "--tcp=443:https");
        var lb = await GetAsync("service", "lb");
        Assert.That(lb["spec"]!["type"]!.GetValue<string>(), Is.EqualTo("LoadBalancer"));
        Assert.That(lb["spec"]!["ports"]![0]!["targetPort"]!.GetValue<string>(), Is.EqualTo("https"));

        await CreateAsync("service", "externalname", "en", "-n", "pb", "--external-name=example.com");
        var en = await GetAsync("service", "en");
        Assert.That(en["spec"]!["type"]!.GetValue<string>(), Is.EqualTo("ExternalName"));
        Assert.That(en["spec"]!["externalName"]!.GetValue<string>(), Is.EqualTo("example.com"));
    }

    [Test]
    public async Task Create_job_cronjob_and_job_from_cronjob()
    {
        await CreateAsync("job", "j", "-n", "pb", "--image=busybox", "--", "echo", "hi");
        var job = await GetAsync("job", "j");
        var container = job["spec"]!["template"]!["spec"]!["containers"]![0]!;
        Assert.That(container["image"]!.GetValue<string>(), Is.EqualTo("busybox"));
        Assert.That(container["command"]!.ToJsonString(), Is.EqualTo("""["echo","hi"]"""));
        Assert.That(job["spec"]!["template"]!["spec"]!["restartPolicy"]!.GetValue<string>(), Is.EqualTo("Never"));

        await CreateAsync("cronjob", "cj", "-n", "pb", "--image=busybox", "--schedule=*/5 * * * *", "--", "date");
        var cron = await GetAsync("cronjob", "cj");
        Assert.That(cron["spec"]!["schedule"]!.GetValue<string>(), Is.EqualTo("*/5 * * * *"));
        Assert.That(cron["spec"]!["jobTemplate"]!["spec"]!["template"]!["spec"]!["containers"]![0]!["command"]!.ToJsonString(), Is.EqualTo("""["date"]"""));

        await CreateAsync("job", "manual", "-n", "pb", "--from=cronjob/cj");
        var manual = await GetAsync("job", "manual");
        var owner = manual["metadata"]!["ownerReferences"]![0]!;
        Assert.That(owner["kind"]!.GetValue<string>(), Is.EqualTo("CronJob"));
        Assert.That(owner["controller"]!.GetValue<bool>(), Is.True);
        Assert.That(owner["uid"]!.GetValue<string>(), Is.EqualTo(cron["metadata"]!["uid"]!.GetValue<string>()));
        Assert.That(manual["metadata"]!["annotations"]!["cronjob.kubernetes.io/instantiate"]!.GetValue<string>(), Is.EqualTo("manual"));
    }

    [Test]
    public async Task Create_quota_priorityclass_and_poddisruptionbudgets()
    {
        await CreateAsync("quota", "q", "-n", "pb", "--hard=cpu=1,memory=1G,pods=2");
        Assert.That((await GetAsync("resourcequota", "q"))["spec"]!["hard"]!.ToJsonString(), Is.EqualTo("""{"cpu":"1","memory":"1G","pods":"2"}"""));

        await CreateAsync("priorityclass", "pc", "--value=1000", "--description=high", "--preemption-policy=Never");
        var pc = await GetAsync("priorityclass", "pc", namespaced: false);
        Assert.That(pc["value"]!.GetValue<int>(), Is.EqualTo(1000));
        Assert.That(pc["description"]!.GetValue<string>(), Is.EqualTo("high"));
        Assert.That(pc["preemptionPolicy"]!.GetValue<string>(), Is.EqualTo("Never"));

        await CreateAsync("poddisruptionbudget", "pdb", "-n", "pb", "--selector=app=x", "--min-available=1");
        var pdb = await GetAsync("poddisruptionbudget", "pdb");
        Assert.That(pdb["spec"]!["minAvailable"]!.GetValue<int>(), Is.EqualTo(1));
        Assert.That(pdb["spec"]!["selector"]!["matchLabels"]!.ToJsonString(), Is.EqualTo("""{"app":"x"}"""));

        await CreateAsync("poddisruptionbudget", "pdb2", "-n", "pb", "--selector=app=y", "--max-unavailable=50%");
        Assert.That((await GetAsync("poddisruptionbudget", "pdb2"))["spec"]!["maxUnavailable"]!.GetValue<string>(), Is.EqualTo("50%"));
    }

    [Test]
    public async Task Create_rbac_serviceaccount_and_ingress()
    {
        await CreateAsync("serviceaccount", "sa", "-n", "pb");
        Assert.That((await GetAsync("serviceaccount", "sa"))["metadata"]!["name"]!.GetValue<string>(), Is.EqualTo("sa"));

        await CreateAsync("role", "r", "-n", "pb", "--verb=get,list", "--resource=pods");
        AssertJson((await GetAsync("role", "r"))["rules"]!, """[{"verbs":["get","list"],"apiGroups":[""],"resources":["pods"]}]""");

        await CreateAsync("rolebinding", "rb", "-n", "pb", "--role=r", "--user=alice", "--serviceaccount=pb:sa");
        var rb = await GetAsync("rolebinding", "rb");
        AssertJson(rb["roleRef"]!, """{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"r"}""");
        Assert.That(rb["subjects"]!.ToJsonString(), Does.Contain("\"name\":\"alice\"").And.Contain("\"namespace\":\"pb\""));

        await CreateAsync("clusterrole", "cr", "--verb=get", "--non-resource-url=/logs");
        AssertJson((await GetAsync("clusterrole", "cr", namespaced: false))["rules"]!, """[{"verbs":["get"],"nonResourceURLs":["/logs"]}]""");

        await CreateAsync("clusterrolebinding", "crb", "--clusterrole=cr", "--group=devs");
        var crb = await GetAsync("clusterrolebinding", "crb", namespaced: false);
        AssertJson(crb["subjects"]!, """[{"kind":"Group","apiGroup":"rbac.authorization.k8s.io","name":"devs"}]""");

        await CreateAsync("ingress", "ing", "-n", "pb", "--class=nginx", "--rule=foo.com/bar=svc1:8080", "--rule=foo.com/*=svc2:http");
        var ingress = await GetAsync("ingress", "ing");
        Assert.That(ingress["spec"]!["ingressClassName"]!.GetValue<string>(), Is.EqualTo("nginx"));
        var paths = ingress["spec"]!["rules"]![0]!["http"]!["paths"]!;
        Assert.That(ingress["spec"]!["rules"]![0]!["host"]!.GetValue<string>(), Is.EqualTo("foo.com"));
        AssertJson(paths, """
            [{"path":"/bar","pathType":"Exact","backend":{"service":{"name":"svc1","port":{"number":8080}}}},
             {"path":"/","pathType":"Prefix","backend":{"service":{"name":"svc2","port":{"name":"http"}}}}]
            """);
    }

    [Test]
    public async Task Auth_can_i_posts_a_protobuf_review()
    {
        // The verdict belongs to the review strategy; what matters here is that the protobuf review was accepted.
        var (code, output) = await _kubectl.RunAsync("auth", "can-i", "create", "pods", "-n", "pb", "-v=8");
        Assert.That(output, Does.Contain("Content-Type: application/vnd.kubernetes.protobuf"));
        Assert.That(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Some.EqualTo("yes").Or.Some.EqualTo("no"), $"exit {code}: {output}");

        // Named, so this check does not depend on how nameless reviews are answered.
        var review = Pb.Envelope("authorization.k8s.io/v1", "SelfSubjectAccessReview", new Pb().Msg(1, Pb.Meta("pb-review"))
            .Msg(2, new Pb().Msg(1, new Pb().Str(1, "pb").Str(2, "create").Str(3, "").Str(4, "").Str(5, "pods").Str(6, "").Str(7, ""))).Msg(3, new Pb()));
        var (created, body) = await PostAsync("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", review, "application/json");
        Assert.That(created, Is.EqualTo(201), body);
        AssertJson(JsonNode.Parse(body)!["spec"]!, """{"resourceAttributes":{"namespace":"pb","verb":"create","resource":"pods"}}""");

        // A client that prefers protobuf (as kubectl's typed clients do) gets the answer in protobuf.
        var (again, answer, contentType) = await PostRawAsync("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", review, "application/vnd.kubernetes.protobuf, application/json");
        Assert.That((again, contentType), Is.EqualTo((201, KubeProtobuf.MediaType)));
        AssertJson(KubeProtobuf.Decode(answer)["spec"]!, """{"resourceAttributes":{"namespace":"pb","verb":"create","resource":"pods"}}""");
    }

    [Test]
    public async Task An_unservable_accept_is_refused_before_anything_is_stored()
    {
        // A protobuf Table exists upstream neither; nothing else offered: 406, and nothing was created.
        var body = Pb.Envelope("v1", "ConfigMap", new Pb().Msg(1, Pb.Meta("refused")).Map(2, "a", "b"));
        var (code, text) = await PostAsync("/api/v1/namespaces/pb/configmaps", body, KubeProtobuf.MediaType + ";as=Table;g=meta.k8s.io;v=v1");
        Assert.That(code, Is.EqualTo(406), text);
        var (created, answer, contentType) = await PostRawAsync("/api/v1/namespaces/pb/configmaps", body, KubeProtobuf.MediaType);
        Assert.That((created, contentType), Is.EqualTo((201, KubeProtobuf.MediaType)), "a protobuf-only client gets protobuf");
        Assert.That((string?)KubeProtobuf.Decode(answer)["data"]!["a"], Is.EqualTo("b"));

        var widget = Pb.Envelope("example.com/v1", "Widget", new Pb().Msg(1, Pb.Meta("n")));
        var (unsupported, message) = await PostAsync("/api/v1/nodes", widget, "application/json");
        Assert.That(unsupported, Is.EqualTo(415), message);
        Assert.That(message, Does.Contain("Kind=Widget"));
    }

    private async Task<(int Code, string Body)> PostAsync(string path, byte[] body, string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(KubeProtobuf.MediaType);
        request.Headers.TryAddWithoutValidation("Accept", accept);
        using var response = await _http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<(int Code, byte[] Body, string? ContentType)> PostRawAsync(string path, byte[] body, string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(KubeProtobuf.MediaType);
        request.Headers.TryAddWithoutValidation("Accept", accept);
        using var response = await _http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsByteArrayAsync(), response.Content.Headers.ContentType?.ToString());
    }

    private async Task<JsonNode> GetAsync(string kind, string name, bool namespaced = true)
    {
        var args = namespaced ? new[] { "get", kind, name, "-n", "pb", "-o", "json" } : ["get", kind, name, "-o", "json"];
        return JsonNode.Parse(await _kubectl.OkStdoutAsync(args))!;
    }

    // Every generator runs with -v=8 so the test proves it really posted protobuf, not JSON.
    private async Task CreateAsync(params string[] args)
    {
        var output = await _kubectl.OkAsync(["create", "-v=8", "--validate=false", .. args]);
        Assert.That(output, Does.Contain("Content-Type: application/vnd.kubernetes.protobuf"), $"kubectl create {string.Join(' ', args)}");
    }

    private static void AssertJson(JsonNode actual, string expected) =>
        Assert.That(JsonNode.DeepEquals(actual, JsonNode.Parse(expected)), Is.True, $"got {actual.ToJsonString()}");
}
