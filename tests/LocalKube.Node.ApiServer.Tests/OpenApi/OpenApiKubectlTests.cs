using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.OpenApi;

/// <summary>
/// The real kubectl (1.32 through the dispatcher) against the in-process agent, with no --validate flag: explain
/// reads the v3 schemas, create/apply validate through the server (fieldValidation=Strict), and warn mode prints
/// the server's warnings. Missing kubectl fails in CI.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class OpenApiKubectlTests
{
    private KubectlAgent _kubectl = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _kubectl = await KubectlAgent.StartAsync("lk-openapi");

    [OneTimeTearDown]
    public async Task StopAsync() => await (_kubectl?.DisposeAsync() ?? ValueTask.CompletedTask);

    [Test]
    public async Task Explain_prints_the_real_descriptions()
    {
        var probe = await _kubectl.OkAsync("explain", "pod.spec.containers.livenessProbe");
        Assert.That(probe, Does.Contain("KIND:       Pod").And.Contain("VERSION:    v1"));
        Assert.That(probe, Does.Contain("FIELD: livenessProbe <Probe>"));
        Assert.That(probe, Does.Contain("Periodic probe of container liveness"));
        Assert.That(probe, Does.Match(@"initialDelaySeconds\s+<integer>"));
        Assert.That(probe, Does.Match(@"httpGet\s+<HTTPGetAction>"));

        var deployment = await _kubectl.OkAsync("explain", "deployments.spec.replicas");
        Assert.That(deployment, Does.Contain("GROUP:      apps").And.Contain("FIELD: replicas <integer>"));
        Assert.That(await _kubectl.OkAsync("explain", "pods.spec.containers"), Does.Match(@"name\s+<string> -required-"));
        var port = await _kubectl.OkAsync("explain", "services.spec.ports.targetPort");
        Assert.That(port, Does.Contain("<IntOrString>"));
    }

    [Test]
    public async Task Create_and_apply_validate_on_the_server_without_flags()
    {
        File.WriteAllText(_kubectl.Dir.Combine("good.yaml"), """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: good
            data: {a: "1"}
            """);
        File.WriteAllText(_kubectl.Dir.Combine("applied.yaml"), File.ReadAllText(_kubectl.Dir.Combine("good.yaml")).Replace("name: good", "name: applied", StringComparison.Ordinal));
        Assert.That(await _kubectl.OkAsync("create", "-f", _kubectl.Dir.Combine("good.yaml")), Does.Contain("configmap/good created"));

        // Apply of a new object creates it (a later apply needs strategic merge patch, another issue's part).
        Assert.That(await _kubectl.OkAsync("apply", "-f", _kubectl.Dir.Combine("applied.yaml")),
            Does.Contain("configmap/applied created"));

        File.WriteAllText(_kubectl.Dir.Combine("typo.yaml"), """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: typo
              lables: {app: web}
            data: {a: "1"}
            """);
        var strict = await _kubectl.RunAsync("create", "-f", _kubectl.Dir.Combine("typo.yaml"));
        Assert.That(strict.Code, Is.EqualTo(1), strict.Output);
        Assert.That(strict.Output, Does.Contain("strict decoding error: unknown field \"metadata.lables\""));
        Assert.That((await _kubectl.RunAsync("get", "cm", "typo")).Code, Is.EqualTo(1), "nothing was created");

        var warn = await _kubectl.RunAsync("create", "--validate=warn", "-f", _kubectl.Dir.Combine("typo.yaml"));
        Assert.That(warn.Code, Is.Zero, warn.Output);
        Assert.That(warn.Output, Does.Contain("Warning: unknown field \"metadata.lables\"").And.Contain("configmap/typo created"));

        File.WriteAllText(_kubectl.Dir.Combine("typo2.yaml"), File.ReadAllText(_kubectl.Dir.Combine("typo.yaml")).Replace("name: typo", "name: typo2", StringComparison.Ordinal));
        var ignore = await _kubectl.RunAsync("create", "--validate=false", "-f", _kubectl.Dir.Combine("typo2.yaml"));
        Assert.That(ignore.Code, Is.Zero, ignore.Output);
        Assert.That(ignore.Output, Does.Not.Contain("Warning"));
    }

    [Test]
    public async Task A_realistic_deployment_passes_strict_validation_without_false_positives()
    {
        File.WriteAllText(_kubectl.Dir.Combine("web.yaml"), """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              labels: {app: web}
              annotations: {note: "x"}
            spec:
              replicas: 2
              selector: {matchLabels: {app: web}}
              strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 25%, maxUnavailable: 0}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers:
                  - name: nginx
                    image: nginx:1.27
                    ports: [{containerPort: 80, name: http, protocol: TCP}]
                    env: [{name: A, value: "1"}, {name: POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]
                    resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {memory: 128Mi}}
                    livenessProbe: {httpGet: {path: /, port: http}, initialDelaySeconds: 3}
                    volumeMounts: [{name: cache, mountPath: /cache}]
                  volumes: [{name: cache, emptyDir: {}}]
                  tolerations: [{key: k, operator: Exists, effect: NoSchedule}]
            """);
        var output = await _kubectl.RunAsync("create", "-f", _kubectl.Dir.Combine("web.yaml"));
        Assert.That(output.Code, Is.Zero, output.Output);
        Assert.That(output.Output, Does.Contain("deployment.apps/web created").And.Not.Contain("Warning"));
    }
}
