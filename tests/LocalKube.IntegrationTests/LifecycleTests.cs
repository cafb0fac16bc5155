using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using k8s;
using k8s.KubeConfigModels;

namespace LocalKube.IntegrationTests;

/// <summary>
/// The whole lifecycle through the published CLI and the real kubectl, once per driver:
/// start, kubectl works, status, idempotent start, stop, resume with the same CA and data, delete leaves no trace.
/// </summary>
public abstract class LifecycleTests
{
    protected abstract string Driver { get; }

    /// <summary>Writes a file into the node's persistent data, to prove stop/start keeps it.</summary>
    protected abstract Task WriteMarkerAsync(LocalKubeEnvironment env, string profile, string content);

    protected abstract Task<string?> ReadMarkerAsync(LocalKubeEnvironment env, string profile);

    /// <summary>Kills the agent process inside the node, leaving the node running.</summary>
    protected abstract Task KillAgentAsync(LocalKubeEnvironment env, string profile);

    /// <summary>Asserts what the node exposes of its store (docker: etcdctl in the node); nothing by default.</summary>
    protected virtual Task AssertNodeStoreAsync(string profile) => Task.CompletedTask;

    /// <summary>Asserts the driver's own traces after stop (e.g. container stopped, volume kept).</summary>
    protected abstract Task AssertStoppedAsync(string profile);

    /// <summary>Asserts nothing of the profile is left in the driver's world.</summary>
    protected abstract Task AssertGoneAsync(string profile);

    [Test]
    [CancelAfter(300_000)]
    public async Task StartStopStartDelete_BehavesLikeMinikube(CancellationToken ct)
    {
        await using var env = new LocalKubeEnvironment();
        var profile = env.Profile(Driver);
        await File.WriteAllTextAsync(env.Kubeconfig, UnrelatedKubeconfig, ct);

        var start = await env.LocalKubeAsync(["start", "--driver", Driver, "-p", profile], ct);
        Assert.That(start.ExitCode, Is.Zero, start.StandardOutput + start.StandardError);

        // kubectl, through the context start wrote and selected.
        var config = await KubernetesClientConfiguration.LoadKubeConfigAsync(new FileInfo(env.Kubeconfig));
        Assert.That(config.CurrentContext, Is.EqualTo(profile));
        var version = await env.KubectlAsync(["version", "-o", "json"], ct);
        Assert.That(version.ExitCode, Is.Zero, version.StandardError);
        using (var doc = JsonDocument.Parse(version.StandardOutput))
        {
            Assert.That(doc.RootElement.GetProperty("serverVersion").GetProperty("minor").GetString(), Is.EqualTo("32"));
        }

        var readyz = await env.KubectlAsync(["get", "--raw", "/readyz"], ct);
        Assert.That(readyz.StandardOutput.Trim(), Is.EqualTo("ok"), readyz.StandardError);

        await AssertAnonymousIsUnauthorizedAsync(config, profile, ct);
        await AssertNodeStoreAsync(profile);

        var status = await env.LocalKubeAsync(["status", "-p", profile, "-o", "json"], ct);
        Assert.That(status.ExitCode, Is.Zero, status.StandardOutput + status.StandardError);
        // Kubelet: from the agent's kubelet readiness check, Irrelevant while the agent runs no kubelet.
        AssertStatus(status.StandardOutput, profile, "Running", "Running|Irrelevant", "Running", "Configured");

        var again = await env.LocalKubeAsync(["start", "-p", profile], ct);
        Assert.That(again.ExitCode, Is.Zero, again.StandardOutput + again.StandardError);
        Assert.That(again.StandardOutput, Does.Contain("already running"));

        var caBefore = await File.ReadAllBytesAsync(Path.Combine(env.ProfileDirectory(profile), "certs", "ca.crt"), ct);
        await WriteMarkerAsync(env, profile, "kept");

        var stop = await env.LocalKubeAsync(["stop", "-p", profile], ct);
        Assert.That(stop.ExitCode, Is.Zero, stop.StandardOutput + stop.StandardError);
        Assert.That(stop.StandardOutput, Does.Contain("1 node stopped."));
        var stopped = await env.LocalKubeAsync(["status", "-p", profile, "-o", "json"], ct);
        Assert.That(stopped.ExitCode, Is.EqualTo(7), stopped.StandardOutput);
        AssertStatus(stopped.StandardOutput, profile, "Stopped", "Stopped", "Stopped", "Stopped");
        await AssertStoppedAsync(profile);

        var resume = await env.LocalKubeAsync(["start", "-p", profile], ct);
        Assert.That(resume.ExitCode, Is.Zero, resume.StandardOutput + resume.StandardError);
        Assert.That(await File.ReadAllBytesAsync(Path.Combine(env.ProfileDirectory(profile), "certs", "ca.crt"), ct), Is.EqualTo(caBefore), "the CA is reused");
        Assert.That(await ReadMarkerAsync(env, profile), Is.EqualTo("kept"), "node data survives stop/start");
        Assert.That((await env.KubectlAsync(["get", "--raw", "/readyz"], ct)).StandardOutput.Trim(), Is.EqualTo("ok"));

        var delete = await env.LocalKubeAsync(["delete", "-p", profile], ct);
        Assert.That(delete.ExitCode, Is.Zero, delete.StandardOutput + delete.StandardError);
        Assert.That(delete.StandardOutput, Does.Contain($"Removed all traces of the \"{profile}\" cluster."));
        Assert.That(Directory.Exists(env.ProfileDirectory(profile)), Is.False, "profile folder removed");
        await AssertGoneAsync(profile);

        var after = await KubernetesClientConfiguration.LoadKubeConfigAsync(new FileInfo(env.Kubeconfig));
        Assert.Multiple(() =>
        {
            Assert.That(after.Contexts.Select(c => c.Name), Is.EquivalentTo(new[] { "other" }));
            Assert.That(after.Clusters.Select(c => c.Name), Is.EquivalentTo(new[] { "other" }));
            Assert.That(after.Users.Select(c => c.Name), Is.EquivalentTo(new[] { "other" }));
            Assert.That(after.Clusters.Single().ClusterEndpoint.Server, Is.EqualTo("https://other.example:6443"));
            Assert.That(after.Contexts.Single().ContextDetails.Namespace, Is.EqualTo("team"));
        });
    }

    [Test]
    [CancelAfter(180_000)]
    public async Task AgentCrash_ShowsInStatus_AndStartRestartsIt(CancellationToken ct)
    {
        await using var env = new LocalKubeEnvironment();
        var profile = env.Profile(Driver);
        var start = await env.LocalKubeAsync(["start", "--driver", Driver, "-p", profile], ct);
        Assert.That(start.ExitCode, Is.Zero, start.StandardOutput + start.StandardError);

        await KillAgentAsync(env, profile);

        var status = await env.LocalKubeAsync(["status", "-p", profile, "-o", "json"], ct);
        Assert.That(status.ExitCode & 2, Is.EqualTo(2), "exit bit 1: the API server is not running");
        Assert.That(status.ExitCode & 1, Is.Zero, "the node itself still runs");
        AssertStatus(status.StandardOutput, profile, "Running", "Stopped", "Stopped", "Configured");

        var restart = await env.LocalKubeAsync(["start", "-p", profile], ct);
        Assert.That(restart.ExitCode, Is.Zero, restart.StandardOutput + restart.StandardError);
        var healthy = await env.LocalKubeAsync(["status", "-p", profile], ct);
        Assert.That(healthy.ExitCode, Is.Zero, healthy.StandardOutput);
    }

    private static void AssertStatus(string json, string profile, string host, string kubelet, string apiServer, string kubeconfig)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(root.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "Name", "Host", "Kubelet", "APIServer", "Kubeconfig", "Worker" }));
            Assert.That(root.GetProperty("Name").GetString(), Is.EqualTo(profile));
            Assert.That(root.GetProperty("Host").GetString(), Is.EqualTo(host));
            Assert.That(root.GetProperty("Kubelet").GetString(), Is.AnyOf(kubelet.Split('|')));
            Assert.That(root.GetProperty("APIServer").GetString(), Is.EqualTo(apiServer));
            Assert.That(root.GetProperty("Kubeconfig").GetString(), Is.EqualTo(kubeconfig));
            Assert.That(root.GetProperty("Worker").GetBoolean(), Is.False);
        });
    }

    private static async Task AssertAnonymousIsUnauthorizedAsync(K8SConfiguration config, string profile, CancellationToken ct)
    {
        var cluster = config.Clusters.Single(c => c.Name == profile).ClusterEndpoint;
        using var ca = X509Certificate2.CreateFromPem(System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(cluster.CertificateAuthorityData)));
        using var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, cert, _, _) =>
                {
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return cert is not null && chain.Build(new X509Certificate2(cert));
                },
            },
        };
        using var http = new HttpClient(handler);
        using var response = await http.GetAsync(new Uri(new Uri(cluster.Server), "/api"), ct);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        Assert.That(body.RootElement.GetProperty("kind").GetString(), Is.EqualTo("Status"));
        Assert.That(body.RootElement.GetProperty("code").GetInt32(), Is.EqualTo(401));
    }

    private const string UnrelatedKubeconfig = """
        apiVersion: v1
        kind: Config
        clusters:
        - cluster:
            server: https://other.example:6443
            insecure-skip-tls-verify: true
          name: other
        contexts:
        - context:
            cluster: other
            user: other
            namespace: team
          name: other
        current-context: other
        users:
        - name: other
          user:
            token: not-a-real-token
        preferences: {}
        """;
}
