using System.Net;
using k8s.Autorest;
using k8s.Models;
using LocalKube.Abstractions.Node;
using LocalKube.Node.Client.Clients;
using LocalKube.Node.Hosting;
using LocalKube.Node.Testing;

namespace LocalKube.Node.Client.Tests;

/// <summary>Component identities: certificates checked before use, RBAC per identity, refused components named by /readyz.</summary>
[TestFixture]
[Category("Integration")]
public sealed class IdentityTests
{
    [Test]
    public async Task Each_identity_is_who_its_certificate_says_and_rbac_applies_to_it()
    {
        var options = new TestAgentOptions();
        options.Components.Add(NodeComponent.Kubelet);
        await using var agent = await TestAgent.StartAsync(options);

        var forbidden = Assert.ThrowsAsync<HttpOperationException>(async () =>
            await agent.Scheduler.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "s" } }, "default"));
        Assert.Multiple(() =>
        {
            Assert.That(forbidden!.Response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(forbidden.Response.Content, Does.Contain("User \\\"system:kube-scheduler\\\" cannot create resource \\\"secrets\\\""));
        });

        // The kubelet registered its Node as system:node:test-node and may post its status.
        var node = await agent.Kubelet.CoreV1.ReadNodeAsync("test-node");
        node.Status.Conditions.Single(c => c.Type == "Ready").Message = "posted by the test";
        var updated = await agent.Kubelet.CoreV1.ReplaceNodeStatusAsync(node, "test-node");
        Assert.That(updated.Status.Conditions.Single(c => c.Type == "Ready").Message, Is.EqualTo("posted by the test"));
        Assert.That(updated.Metadata.ManagedFields.Select(m => m.Manager), Does.Contain("kubelet"));
        var lease = await agent.Admin.CoordinationV1.ReadNamespacedLeaseAsync("test-node", "kube-node-lease");
        Assert.That(lease.Spec.HolderIdentity, Is.EqualTo("test-node"));
    }

    [Test]
    public async Task A_component_without_its_certificate_is_refused_and_readyz_names_it()
    {
        var options = new TestAgentOptions { WaitReady = false };
        options.Components.Add(NodeComponent.Kubelet);
        options.MissingCertificates.Add("kubelet");
        await using var agent = await TestAgent.StartAsync(options);

        string readyz = "";
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!readyz.Contains("[-]kubelet failed: refused", StringComparison.Ordinal))
        {
            await Task.Delay(50, timeout.Token);
            try
            {
                readyz = await agent.ReadyzVerboseAsync(timeout.Token);
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(readyz, Does.Contain($"[-]kubelet failed: refused: {Path.Combine(agent.Options.CertDir, "kubelet.crt")} (credentials of system:node:test-node) is missing"));
            Assert.That(readyz, Does.Contain("[+]apiserver ok"));
            Assert.That(readyz, Does.EndWith("readyz check failed\n"));
            Assert.That(agent.Run.IsCompleted, Is.False, "the agent keeps serving");
            Assert.That(agent.Readiness.Snapshot().Single(s => s.Component == NodeComponent.Kubelet).State, Is.EqualTo(ComponentState.Refused));
        });
    }

    [Test]
    public void An_expired_or_foreign_certificate_is_refused_with_its_reason()
    {
        using var pki = new NodeTestPki();
        using var other = new NodeTestPki();
        using var dir = new LocalKube.Testing.TempDirectory("lk-creds");
        pki.WriteCertDir(dir.Path, "n1");
        pki.WriteClient(dir.Path, ComponentIdentity.Scheduler, DateTimeOffset.UtcNow.AddMinutes(-1));
        var expired = Assert.Throws<ComponentCredentialsException>(() => ComponentCredentials.Load(dir.Path, ComponentIdentity.Scheduler, TimeProvider.System));
        Assert.That(expired!.Message, Does.Contain("kube-scheduler.crt of system:kube-scheduler expired at"));

        other.WriteClient(dir.Path, ComponentIdentity.Proxy, null);
        var foreign = Assert.Throws<ComponentCredentialsException>(() => ComponentCredentials.Load(dir.Path, ComponentIdentity.Proxy, TimeProvider.System));
        Assert.That(foreign!.Message, Does.Contain("is not signed by the cluster CA"));

        // A certificate naming someone else (the kubelet of another node).
        pki.WriteClient(dir.Path, ComponentIdentity.Kubelet("n2") with { Name = "kubelet" }, null);
        var wrongNode = Assert.Throws<ComponentCredentialsException>(() => ComponentCredentials.Load(dir.Path, ComponentIdentity.Kubelet("n1"), TimeProvider.System));
        Assert.That(wrongNode!.Message, Does.Contain("names 'system:node:n2', not system:node:n1"));

        Assert.That(ComponentCredentials.Load(dir.Path, ComponentIdentity.ControllerManager, TimeProvider.System).Identity, Is.EqualTo(ComponentIdentity.ControllerManager));
    }
}
