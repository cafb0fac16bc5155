using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace LocalKube.IntegrationTests;

/// <summary>
/// The companion API issue's acceptance with the real kubectl against <c>localkube start --driver=process</c>:
/// client-side and server-side apply, the typed <c>create</c> generators (protobuf bodies), explain (OpenAPI),
/// patch and edit, and RBAC for a service-account token. No <c>--validate=false</c> anywhere: kubectl validates
/// against the server's OpenAPI as it does against any cluster.
/// </summary>
[TestFixture]
[Category("E2E")]
public sealed class ApplyScenarioTests
{
    private LocalKubeEnvironment _env = null!;

    [OneTimeSetUp]
    public async Task StartCluster()
    {
        _env = new LocalKubeEnvironment();
        var start = await _env.LocalKubeAsync("start", "--driver", "process", "-p", _env.Profile("ap"));
        Assert.That(start.ExitCode, Is.Zero, start.StandardOutput + start.StandardError);
    }

    [OneTimeTearDown]
    public async Task DeleteCluster() => await _env.DisposeAsync();

    [Test]
    public async Task Apply_ReapplyUnchanged_RemoveContainer_KeepOthersEnv()
    {
        var twoContainers = Deployment("web", """
                  - name: app
                    image: example/app:1
                    env:
                    - name: MODE
                      value: blue
                    ports:
                    - containerPort: 8080
                  - name: sidecar
                    image: example/sidecar:1
            """);
        Assert.That(await ApplyAsync(twoContainers), Does.Contain("deployment.apps/web created"));
        Assert.That(await ApplyAsync(twoContainers), Does.Contain("deployment.apps/web unchanged"));

        // Another actor adds an env var; the manifest then changes MODE and drops the sidecar.
        var setEnv = await _env.KubectlAsync("set", "env", "deployment/web", "-c", "app", "EXTRA=kept");
        Assert.That(setEnv.ExitCode, Is.Zero, setEnv.StandardError);
        var oneContainer = Deployment("web", """
                  - name: app
                    image: example/app:1
                    env:
                    - name: MODE
                      value: green
                    ports:
                    - containerPort: 8080
            """);
        Assert.That(await ApplyAsync(oneContainer), Does.Contain("deployment.apps/web configured"));

        using var json = JsonDocument.Parse((await _env.KubectlAsync("get", "deploy", "web", "-o", "json")).StandardOutput);
        var containers = json.RootElement.GetProperty("spec").GetProperty("template").GetProperty("spec").GetProperty("containers");
        Assert.That(containers.GetArrayLength(), Is.EqualTo(1), "the container removed from the manifest is removed");
        var env = containers[0].GetProperty("env").EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!, e => e.GetProperty("value").GetString());
        Assert.That(env, Is.EquivalentTo(new Dictionary<string, string?> { ["MODE"] = "green", ["EXTRA"] = "kept" }));
        Assert.That(containers[0].GetProperty("ports")[0].GetProperty("containerPort").GetInt32(), Is.EqualTo(8080), "ports survive the re-apply");
    }

    [Test]
    public async Task ServerSideApply_ConflictsWithASecondManager_ForceWins()
    {
        var manifest = await WriteAsync("ssa.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  owner: first\n");
        var first = await _env.KubectlAsync("apply", "--server-side", "--field-manager", "first", "-f", manifest);
        Assert.That(first.StandardOutput, Does.Contain("configmap/ssa serverside-applied"), first.StandardError);

        var second = await WriteAsync("ssa2.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  owner: second\n");
        var conflict = await _env.KubectlAsync("apply", "--server-side", "--field-manager", "second", "-f", second);
        Assert.That(conflict.ExitCode, Is.Not.Zero);
        Assert.That(conflict.StandardError, Does.Contain("conflict").And.Contain("first").And.Contain(".data.owner"));

        var forced = await _env.KubectlAsync("apply", "--server-side", "--field-manager", "second", "--force-conflicts", "-f", second);
        Assert.That(forced.ExitCode, Is.Zero, forced.StandardError);
        Assert.That((await _env.KubectlAsync("get", "cm", "ssa", "-o", "jsonpath={.data.owner}")).StandardOutput, Is.EqualTo("second"));
        var managers = (await _env.KubectlAsync("get", "cm", "ssa", "--show-managed-fields", "-o", "jsonpath={.metadata.managedFields[*].manager}")).StandardOutput;
        Assert.That(managers, Does.Contain("second"));
    }

    [Test]
    public async Task TypedCreateGenerators_StoreWhatUpstreamStores()
    {
        var deploy = await _env.KubectlAsync("create", "deployment", "hello", "--image=x", "--replicas=2");
        Assert.That(deploy.StandardOutput, Does.Contain("deployment.apps/hello created"), deploy.StandardError);
        using (var json = JsonDocument.Parse((await _env.KubectlAsync("get", "deploy", "hello", "-o", "json")).StandardOutput))
        {
            var spec = json.RootElement.GetProperty("spec");
            Assert.That(spec.GetProperty("replicas").GetInt32(), Is.EqualTo(2));
            Assert.That(spec.GetProperty("selector").GetProperty("matchLabels").GetProperty("app").GetString(), Is.EqualTo("hello"));
            var container = spec.GetProperty("template").GetProperty("spec").GetProperty("containers")[0];
            Assert.That(container.GetProperty("image").GetString(), Is.EqualTo("x"));
            Assert.That(container.GetProperty("imagePullPolicy").GetString(), Is.EqualTo("Always"), "defaulted as upstream");
        }

        var secret = await _env.KubectlAsync("create", "secret", "generic", "s", "--from-literal=a=b");
        Assert.That(secret.StandardOutput, Does.Contain("secret/s created"), secret.StandardError);
        Assert.That((await _env.KubectlAsync("get", "secret", "s", "-o", "jsonpath={.data.a}")).StandardOutput, Is.EqualTo("Yg=="));

        var file = await WriteAsync("app.properties", "color=blue\n");
        var cm = await _env.KubectlAsync("create", "configmap", "props", "--from-file=" + file);
        Assert.That(cm.StandardOutput, Does.Contain("configmap/props created"), cm.StandardError);
        Assert.That((await _env.KubectlAsync("get", "cm", "props", "-o", "jsonpath={.data.app\\.properties}")).StandardOutput, Is.EqualTo("color=blue\n"));

        var (cert, key) = await WriteTlsPairAsync();
        var tls = await _env.KubectlAsync("create", "secret", "tls", "tls", "--cert=" + cert, "--key=" + key);
        Assert.That(tls.StandardOutput, Does.Contain("secret/tls created"), tls.StandardError);
        Assert.That((await _env.KubectlAsync("get", "secret", "tls", "-o", "jsonpath={.type}")).StandardOutput, Is.EqualTo("kubernetes.io/tls"));
    }

    [Test]
    public async Task Explain_PrintsDescriptions()
    {
        var explain = await _env.KubectlAsync("explain", "pod.spec.containers.livenessProbe");
        Assert.That(explain.ExitCode, Is.Zero, explain.StandardError);
        Assert.That(explain.StandardOutput, Does.Contain("KIND:").And.Contain("Pod").And.Contain("FIELD: livenessProbe"));
        Assert.That(explain.StandardOutput, Does.Contain("Periodic probe of container liveness"));
    }

    [Test]
    public async Task PatchAndEdit()
    {
        var manifest = await WriteAsync("pe.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: pe\ndata:\n  a: \"1\"\n");
        Assert.That((await _env.KubectlAsync("create", "-f", manifest)).ExitCode, Is.Zero);

        var json = await _env.KubectlAsync("patch", "cm", "pe", "--type=json", "-p", """[{"op":"add","path":"/data/b","value":"2"}]""");
        Assert.That(json.StandardOutput, Does.Contain("configmap/pe patched"), json.StandardError);
        var failedTest = await _env.KubectlAsync("patch", "cm", "pe", "--type=json", "-p", """[{"op":"test","path":"/data/a","value":"nope"}]""");
        Assert.That(failedTest.ExitCode, Is.Not.Zero);
        Assert.That(failedTest.StandardError, Does.Contain("test").And.Contain("/data/a"));

        var merge = await _env.KubectlAsync("patch", "cm", "pe", "--type=merge", "-p", """{"data":{"b":null}}""");
        Assert.That(merge.ExitCode, Is.Zero, merge.StandardError);
        Assert.That((await _env.KubectlAsync("get", "cm", "pe", "-o", "jsonpath={.data}")).StandardOutput, Does.Not.Contain("\"b\""));

        _env.Environment["KUBE_EDITOR"] = "sed -i -e 's/a: \"1\"/a: \"edited\"/'";
        try
        {
            var edit = await _env.KubectlAsync("edit", "cm", "pe");
            Assert.That(edit.StandardOutput, Does.Contain("configmap/pe edited"), edit.StandardError);
        }
        finally
        {
            _env.Environment.Remove("KUBE_EDITOR");
        }

        Assert.That((await _env.KubectlAsync("get", "cm", "pe", "-o", "jsonpath={.data.a}")).StandardOutput, Is.EqualTo("edited"));
    }

    [Test]
    public async Task StrictFieldValidation_RejectsUnknownFields()
    {
        var manifest = await WriteAsync("unknown.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: unknown\ndata:\n  a: b\nbogus: 1\n");
        var create = await _env.KubectlAsync("create", "-f", manifest);
        Assert.That(create.ExitCode, Is.Not.Zero);
        Assert.That(create.StandardError, Does.Contain("unknown field \"bogus\""));
        Assert.That((await _env.KubectlAsync("get", "cm", "unknown")).StandardError, Does.Contain("not found"), "nothing was stored");
    }

    [Test]
    public async Task ServiceAccountToken_IsDeniedUntilBound_ThenAllowed()
    {
        var ns = "rbac-e2e";
        Assert.That((await _env.KubectlAsync("create", "namespace", ns)).ExitCode, Is.Zero);
        var token = await WaitForTokenAsync(ns);
        var saConfig = await WriteTokenKubeconfigAsync(token);

        var denied = await _env.KubectlAsync("--kubeconfig", saConfig, "get", "configmaps", "-n", ns);
        Assert.That(denied.ExitCode, Is.Not.Zero);
        Assert.That(denied.StandardError, Does.Contain($"User \"system:serviceaccount:{ns}:default\" cannot list resource \"configmaps\" in API group \"\" in the namespace \"{ns}\""));
        Assert.That((await _env.KubectlAsync("--kubeconfig", saConfig, "auth", "can-i", "list", "configmaps", "-n", ns)).StandardOutput.Trim(), Is.EqualTo("no"));

        var bind = await _env.KubectlAsync("create", "rolebinding", "sa-view", "--clusterrole=view", $"--serviceaccount={ns}:default", "-n", ns);
        Assert.That(bind.ExitCode, Is.Zero, bind.StandardError);
        var allowed = await _env.KubectlAsync("--kubeconfig", saConfig, "get", "configmaps", "-n", ns);
        Assert.That(allowed.ExitCode, Is.Zero, allowed.StandardError);
        Assert.That((await _env.KubectlAsync("--kubeconfig", saConfig, "auth", "can-i", "list", "configmaps", "-n", ns)).StandardOutput.Trim(), Is.EqualTo("yes"));

        var whoami = await _env.KubectlAsync("--kubeconfig", saConfig, "auth", "whoami");
        Assert.That(whoami.StandardOutput, Does.Contain($"system:serviceaccount:{ns}:default"));

        var list = await _env.KubectlAsync("--kubeconfig", saConfig, "auth", "can-i", "--list", "-n", ns);
        Assert.That(list.StandardOutput, Does.Match(@"Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs"));
        Assert.That(list.StandardOutput, Does.Match(@"configmaps\s+\[\]\s+\[\]\s+\[get list watch\]"));
        var admin = await _env.KubectlAsync("auth", "can-i", "--list");
        Assert.That(admin.StandardOutput, Does.Match(@"\*\.\*\s+\[\]\s+\[\]\s+\[\*\]"));
    }

    private async Task<string> WaitForTokenAsync(string ns)
    {
        // The default ServiceAccount is made by the agent's controller as the namespace appears.
        for (var attempt = 0; ; attempt++)
        {
            var token = await _env.KubectlAsync("create", "token", "default", "-n", ns);
            if (token.ExitCode == 0 || attempt == 50)
            {
                Assert.That(token.ExitCode, Is.Zero, token.StandardError);
                return token.StandardOutput.Trim();
            }

            await Task.Delay(100);
        }
    }

    private async Task<string> WriteTokenKubeconfigAsync(string token)
    {
        var server = (await _env.KubectlAsync("config", "view", "--minify", "-o", "jsonpath={.clusters[0].cluster.server}")).StandardOutput;
        var raw = await _env.KubectlAsync("config", "view", "--minify", "--raw", "-o", "jsonpath={.clusters[0].cluster.certificate-authority-data}");
        var caLine = raw.StandardOutput.Length > 0
            ? $"certificate-authority-data: {raw.StandardOutput}"
            : $"certificate-authority: {(await _env.KubectlAsync("config", "view", "--minify", "-o", "jsonpath={.clusters[0].cluster.certificate-authority}")).StandardOutput}";
        return await WriteAsync("sa.kubeconfig", $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: c
              cluster:
                server: {server}
                {caLine}
            users:
            - name: sa
              user:
                token: {token}
            contexts:
            - name: sa
              context:
                cluster: c
                user: sa
            current-context: sa

            """);
    }

    private async Task<string> ApplyAsync(string yaml)
    {
        var path = await WriteAsync("apply.yaml", yaml);
        var result = await _env.KubectlAsync("apply", "-f", path);
        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        return result.StandardOutput;
    }

    private async Task<string> WriteAsync(string name, string content)
    {
        var path = Path.Combine(_env.Home, name);
        await File.WriteAllTextAsync(path, content);
        return path;
    }

    private async Task<(string Cert, string Key)> WriteTlsPairAsync()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=tls.example", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
        var certPath = await WriteAsync("tls.crt", cert.ExportCertificatePem());
        var keyPath = await WriteAsync("tls.key", key.ExportPkcs8PrivateKeyPem());
        return (certPath, keyPath);
    }

    private static string Deployment(string name, string containers) => $"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {name}
        spec:
          replicas: 1
          selector:
            matchLabels:
              app: {name}
          template:
            metadata:
              labels:
                app: {name}
            spec:
              containers:
        {containers}
        """;
}
