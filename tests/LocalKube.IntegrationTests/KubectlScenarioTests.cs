using System.Text.Json;
using LocalKube.Testing;

namespace LocalKube.IntegrationTests;

/// <summary>
/// The API server issue's scripted kubectl scenarios, with the real kubectl against <c>localkube start --driver=process</c>,
/// once over the embedded store and once over a real etcd (<c>--etcd-servers</c>; Debian's etcd, which CI installs:
/// without it the etcd fixture fails in CI). The scenarios are split by theme over the partial class's files.
/// Some <c>create -f</c> calls keep <c>--validate=false</c> from before OpenAPI; ApplyScenarioTests runs without it.
/// </summary>
[TestFixture("embedded")]
[TestFixture("etcd")]
[Category("E2E")]
public sealed partial class KubectlScenarioTests(string backend)
{
    private LocalKubeEnvironment _env = null!;
    private EtcdServer? _etcd;
    private string _profile = "";

    [OneTimeSetUp]
    public async Task StartCluster()
    {
        _env = new LocalKubeEnvironment();
        _profile = _env.Profile("kc");
        List<string> args = ["start", "--driver", "process", "-p", _profile];
        if (backend == "etcd")
        {
            _etcd = await EtcdServer.StartAsync(CancellationToken.None);
            args.AddRange(["--etcd-servers", _etcd.Url]);
        }

        var start = await _env.LocalKubeAsync(args, CancellationToken.None);
        Assert.That(start.ExitCode, Is.Zero, start.StandardOutput + start.StandardError);
    }

    [OneTimeTearDown]
    public async Task DeleteCluster()
    {
        await _env.DisposeAsync();
        if (_etcd is not null)
        {
            await _etcd.DisposeAsync();
        }
    }

    [Test]
    public async Task CreateFromMultiDocumentYaml_ThenGetInEveryFormat()
    {
        var create = await _env.KubectlAsync("create", "--validate=false", "-f", Path.Combine(AppContext.BaseDirectory, "assets", "multi.yaml"));
        Assert.That(create.StandardOutput, Does.Contain("configmap/first created").And.Contain("service/web created"), create.StandardError);

        var wide = await _env.KubectlAsync("get", "svc", "web", "-o", "wide");
        Assert.That(wide.StandardOutput, Does.Match(@"NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\s+SELECTOR"));
        Assert.That(wide.StandardOutput, Does.Match(@"web\s+ClusterIP\s+10\.\d+\.\d+\.\d+\s+<none>\s+80/TCP\s+\S+\s+tier=web"));

        using (var json = JsonDocument.Parse((await _env.KubectlAsync("get", "cm", "first", "-o", "json")).StandardOutput))
        {
            Assert.That(json.RootElement.GetProperty("data").GetProperty("a").GetString(), Is.EqualTo("1"));
        }

        Assert.That((await _env.KubectlAsync("get", "cm", "first", "-o", "yaml")).StandardOutput, Does.Contain("name: first").And.Contain("a: \"1\""));
        Assert.That((await _env.KubectlAsync("get", "cm", "-l", "tier=web", "-o", "name")).StandardOutput.Trim(), Is.EqualTo("configmap/first"));
        Assert.That((await _env.KubectlAsync("get", "cm", "first", "-o", "jsonpath={.metadata.labels.tier}")).StandardOutput, Is.EqualTo("web"));
        var columns = await _env.KubectlAsync("get", "cm", "first", "-o", "custom-columns=N:.metadata.name,A:.data.a");
        Assert.That(columns.StandardOutput, Does.Match(@"N\s+A\s*\nfirst\s+1"));
        Assert.That((await _env.KubectlAsync("get", "cm", "first", "--show-labels")).StandardOutput, Does.Contain("tier=web"));
        Assert.That((await _env.KubectlAsync("get", "ns", "--field-selector", "metadata.name=kube-system", "-o", "name")).StandardOutput.Trim(), Is.EqualTo("namespace/kube-system"));
        Assert.That((await _env.KubectlAsync("get", "svc", "-A")).StandardOutput, Does.Contain("kubernetes").And.Contain("web"));
        Assert.That((await _env.KubectlAsync("get", "all")).StandardOutput, Does.Contain("service/web").And.Contain("service/kubernetes"));
    }

    [Test]
    public async Task CreateFromJson_SingleObjectAndList()
    {
        var single = await CreateAsync("single.json", "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"from-json\"}, \"data\": {\"a\": \"1\"}}");
        Assert.That(single, Is.EqualTo("configmap/from-json created\n"));
        var list = await CreateAsync("list.json", """
            {"apiVersion": "v1", "kind": "List", "items": [
              {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "json-secret"}, "stringData": {"token": "abc"}},
              {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "json-deploy"},
               "spec": {"selector": {"matchLabels": {"app": "j"}}, "template": {"metadata": {"labels": {"app": "j"}},
                 "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}}]}
            """);
        Assert.That(list, Is.EqualTo("secret/json-secret created\ndeployment.apps/json-deploy created\n"));
        Assert.That((await _env.KubectlAsync("get", "secret", "json-secret", "-o", "jsonpath={.data.token}")).StandardOutput, Is.EqualTo("YWJj"));
        Assert.That((await _env.KubectlAsync("get", "deploy", "json-deploy", "-o", "jsonpath={.spec.replicas} {.spec.strategy.type}")).StandardOutput, Is.EqualTo("1 RollingUpdate"));
    }

    [Test]
    public async Task LabelAnnotateAndDelete()
    {
        var apply = await CreateConfigMapAsync("tagged");
        Assert.That(apply, Does.Contain("configmap/tagged created"));

        Assert.That((await _env.KubectlAsync("label", "cm", "tagged", "team=a")).StandardOutput, Does.Contain("configmap/tagged labeled"));
        var clash = await _env.KubectlAsync("label", "cm", "tagged", "team=b");
        Assert.That(clash.StandardError, Does.Contain("already has a value"));
        Assert.That((await _env.KubectlAsync("label", "cm", "tagged", "team=b", "--overwrite")).ExitCode, Is.Zero);
        Assert.That((await _env.KubectlAsync("get", "cm", "tagged", "-o", "jsonpath={.metadata.labels.team}")).StandardOutput, Is.EqualTo("b"));
        Assert.That((await _env.KubectlAsync("annotate", "cm", "tagged", "note=hi")).StandardOutput, Does.Contain("annotated"));
        Assert.That((await _env.KubectlAsync("label", "cm", "tagged", "team-")).ExitCode, Is.Zero);
        Assert.That((await _env.KubectlAsync("get", "cm", "tagged", "-o", "jsonpath={.metadata.labels}")).StandardOutput, Does.Not.Contain("team"));

        var delete = await _env.KubectlAsync("delete", "cm", "tagged", "--wait");
        Assert.That(delete.StandardOutput, Does.Contain("configmap \"tagged\" deleted"));
        var gone = await _env.KubectlAsync("get", "cm", "tagged");
        Assert.That(gone.StandardError, Does.Contain("configmaps \"tagged\" not found"));
    }

    [Test]
    public async Task DiscoveryAndConfigCommands()
    {
        var resources = await _env.KubectlAsync("api-resources");
        Assert.That(resources.StandardOutput, Does.Match(@"deployments\s+deploy\s+apps/v1\s+true\s+Deployment"));
        Assert.That((await _env.KubectlAsync("api-versions")).StandardOutput, Does.Contain("apps/v1").And.Contain("batch/v1"));
        Assert.That((await _env.KubectlAsync("cluster-info")).StandardOutput, Does.Contain("Kubernetes control plane is running at https://127.0.0.1:"));
        Assert.That((await _env.KubectlAsync("config", "view", "--minify", "-o", "jsonpath={.contexts[0].name}")).StandardOutput, Does.StartWith("kc-"));
    }

    private async Task<string> CreateConfigMapAsync(string name, string ns = "default", string labels = "{}") =>
        await CreateAsync($"{name}-{ns}.yaml", $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  namespace: {ns}\n  labels: {labels}\ndata:\n  k: v\n");

    /// <summary>Writes <paramref name="content"/> to a file and runs <c>kubectl create -f</c> on it: stdout + stderr.</summary>
    private async Task<string> CreateAsync(string file, string content)
    {
        var manifest = Path.Combine(_env.Home, file);
        await File.WriteAllTextAsync(manifest, content);
        var result = await _env.KubectlAsync("create", "--validate=false", "-f", manifest);
        return result.StandardOutput + result.StandardError;
    }
}
