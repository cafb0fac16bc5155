using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.Kubectl;

/// <summary>
/// Old and new kubectl against one in-process agent: 1.20 (Debian's, which reads only the protobuf OpenAPI v2 and
/// validates, applies and explains from it), 1.27, 1.32 and 1.33 (the Google Cloud CLI's versioned binaries, which
/// use v3 and fall back to v2 for kinds v3 lacks). Each creates, applies twice (the second is "unchanged"), gets,
/// explains, meets an unknown kind with the message it prints against upstream, and deletes. Without the flag
/// --validate, so client-side validation runs where the version does it.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class KubectlVersionTests
{
    private KubectlAgent _kubectl = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _kubectl = await KubectlAgent.StartAsync("lk-versions");

    [OneTimeTearDown]
    public async Task StopAsync() => await (_kubectl?.DisposeAsync() ?? ValueTask.CompletedTask);

    [TestCase("1.20")]
    [TestCase("1.27")]
    [TestCase("1.32")]
    [TestCase("1.33")]
    public async Task Create_apply_twice_get_explain_and_delete(string version)
    {
        var kubectl = KubectlBinaries.Find(version);
        var tag = "v" + version.Replace(".", "", StringComparison.Ordinal);
        Assert.That((await OkAsync(kubectl, "version", "--client")).Stdout, Does.Contain($"v{version}."));

        var created = _kubectl.Write($"created-{tag}.yaml", $$"""
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: created-{{tag}}
            data: {a: "1"}
            """);
        Assert.That((await OkAsync(kubectl, "create", "-f", created)).Stdout, Is.EqualTo($"configmap/created-{tag} created\n"));

        var applied = _kubectl.Write($"applied-{tag}.yaml", $$"""
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web-{{tag}}
              labels: {app: web}
            spec:
              replicas: 2
              selector:
                matchLabels: {app: web-{{tag}}}
              template:
                metadata:
                  labels: {app: web-{{tag}}}
                spec:
                  containers:
                  - name: web
                    image: nginx:1.27
                    ports:
                    - containerPort: 80
                      protocol: TCP
                    env:
                    - {name: MODE, value: test}
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: web-{{tag}}
            spec:
              selector: {app: web-{{tag}}}
              ports:
              - port: 80
                targetPort: 80
            """);
        Assert.That((await OkAsync(kubectl, "apply", "-f", applied)).Stdout,
            Is.EqualTo($"deployment.apps/web-{tag} created\nservice/web-{tag} created\n"));
        Assert.That((await OkAsync(kubectl, "apply", "-f", applied)).Stdout,
            Is.EqualTo($"deployment.apps/web-{tag} unchanged\nservice/web-{tag} unchanged\n"));

        // A changed manifest is a strategic merge patch computed by the client (from OpenAPI v2 for 1.20).
        File.WriteAllText(applied, File.ReadAllText(applied).Replace("replicas: 2", "replicas: 3", StringComparison.Ordinal)
            .Replace("value: test", "value: changed", StringComparison.Ordinal));
        Assert.That((await OkAsync(kubectl, "apply", "-f", applied)).Stdout,
            Is.EqualTo($"deployment.apps/web-{tag} configured\nservice/web-{tag} unchanged\n"));
        Assert.That((await OkAsync(kubectl, "get", "deployment", $"web-{tag}", "-o", "jsonpath={.spec.replicas} {.spec.template.spec.containers[0].env[0].value} {.spec.template.spec.containers[0].ports[0].containerPort}")).Stdout,
            Is.EqualTo("3 changed 80"));

        var get = (await OkAsync(kubectl, "get", "configmap", $"created-{tag}")).Stdout;
        Assert.That(get, Does.Match($@"^NAME\s+DATA\s+AGE\ncreated-{tag}\s+1\s+\d+s\n$"));
        Assert.That((await OkAsync(kubectl, "get", "-f", applied, "-o", "name")).Stdout, Is.EqualTo($"deployment.apps/web-{tag}\nservice/web-{tag}\n"));

        var explain = (await OkAsync(kubectl, "explain", "deployment.spec.replicas")).Stdout;
        Assert.That(explain, Does.Match(@"KIND:\s+Deployment").And.Match(@"FIELD:\s+replicas\s+<integer>"));
        Assert.That(explain, Does.Contain("Number of desired pods"));

        var unknown = _kubectl.Write($"unknown-{tag}.yaml", "apiVersion: v1\nkind: Foo\nmetadata:\n  name: foo\n");
        var refused = await _kubectl.RunBinaryAsync(kubectl, "create", "-f", unknown);
        Assert.That(refused.Code, Is.EqualTo(1));
        Assert.That(refused.Stderr, Is.EqualTo(version == "1.20"
            ? $"error: unable to recognize \"{unknown}\": no matches for kind \"Foo\" in version \"v1\"\n"
            : $"error: resource mapping not found for name: \"foo\" namespace: \"\" from \"{unknown}\": no matches for kind \"Foo\" in version \"v1\"\nensure CRDs are installed first\n"), refused.Stderr);

        Assert.That((await OkAsync(kubectl, "delete", "-f", created, "-f", applied)).Stdout, Is.EqualTo(
            $"configmap \"created-{tag}\" deleted\ndeployment.apps \"web-{tag}\" deleted\nservice \"web-{tag}\" deleted\n"));
        var gone = await _kubectl.RunBinaryAsync(kubectl, "get", "configmap", $"created-{tag}");
        Assert.That(gone.Stderr, Is.EqualTo($"Error from server (NotFound): configmaps \"created-{tag}\" not found\n"));
    }

    private async Task<(string Stdout, string Stderr)> OkAsync(string kubectl, params string[] args)
    {
        var (code, stdout, stderr) = await _kubectl.RunBinaryAsync(kubectl, args);
        Assert.That(code, Is.Zero, $"kubectl {string.Join(' ', args)}: {stdout}{stderr}");
        return (stdout, stderr);
    }
}
