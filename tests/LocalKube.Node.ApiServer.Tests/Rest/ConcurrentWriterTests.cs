using System.Text.Json.Nodes;
using Google.Protobuf;
using k8s;
using k8s.Models;
using LocalKube.Node.ApiServer.Authentication;
using LocalKube.Node.ApiServer.Authorization;
using LocalKube.Node.ApiServer.Rest;
using LocalKube.Node.ApiServer.Storage;
using LocalKube.Node.Storage.Protocol;
using LocalKube.Testing;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.Rest;

/// <summary>
/// The compare-and-swap retry path of updates: a write that lands between an update's read and its write makes the
/// update start again from the fresh object, so nothing is lost, whoever the writers are.
/// </summary>
[Parallelizable(ParallelScope.None)]
public sealed class ConcurrentWriterTests
{
    private const string Role = "system:aggregate-to-view";

    [Test]
    public async Task Concurrent_patches_of_one_object_all_survive()
    {
        using var pki = new TestPki();
        using var temp = new TempDirectory("lk-cas");
        await using var agent = await RunningAgent.StartAsync(pki);
        using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(pki.WriteKubeconfig(temp.Combine("kubeconfig"), agent.Port)));
        await client.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "shared" } }, "default");

        // Eight writers, five merge patches each, all on the same object: each patch adds its own label.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 5; i++)
            {
                var patch = new V1Patch($"{{\"metadata\":{{\"labels\":{{\"w{w}-{i}\":\"x\"}}}}}}", V1Patch.PatchType.MergePatch);
                await client.PatchNamespacedConfigMapAsync(patch, "shared", "default");
            }
        })));

        var shared = await client.ReadNamespacedConfigMapAsync("shared", "default");
        Assert.That(shared.Metadata.Labels, Has.Count.EqualTo(40), "no patch was lost to a concurrent one");
    }

    [Test]
    public async Task Bootstrap_policy_reconciliation_keeps_a_change_made_during_its_update()
    {
        using var pki = new TestPki();
        using var temp = new TempDirectory("lk-cas-rbac");
        await using var agent = await RunningAgent.StartAsync(pki, services => services.AddAdmissionHook<ConcurrentLabelWriter>());
        using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(pki.WriteKubeconfig(temp.Combine("kubeconfig"), agent.Port)));

        // Take a rule away, so reconciliation has something to add back.
        var role = await client.ReadClusterRoleAsync(Role);
        var removed = role.Rules[0];
        role.Rules.RemoveAt(0);
        await client.ReplaceClusterRoleAsync(role, Role);

        // Reconcile while another writer changes the role between reconciliation's read and its write.
        var writer = agent.Host.Services.GetServices<IAdmissionHook>().OfType<ConcurrentLabelWriter>().Single();
        writer.Armed = true;
        using (RequestUser.As(KubeUser.ApiServer))
        {
            // As the agent runs it: bootstrap writes are the API server's own (a write with no caller is refused).
            await new BootstrapPolicyReconciler(agent.Host.Services.GetRequiredService<ResourceStore>()).RunAsync(CancellationToken.None);
        }
        Assert.That(writer.Wrote, Is.True, "the concurrent write happened");

        var after = await client.ReadClusterRoleAsync(Role);
        Assert.Multiple(() =>
        {
            Assert.That(after.Metadata.Labels, Does.ContainKey("concurrent").WithValue("yes"), "the concurrent change survived");
            Assert.That(after.Rules.Select(r => KubernetesJson.Serialize(r)), Does.Contain(KubernetesJson.Serialize(removed)), "the missing rule was added back");
        });
    }

    /// <summary>Once armed, writes the role directly into storage (a label added) right before the first update of it lands.</summary>
    private sealed class ConcurrentLabelWriter(StoreAccessor accessor) : IAdmissionHook
    {
        public bool Armed { get; set; }

        public bool Wrote { get; private set; }

        public bool AppliesTo(string group, string kind) => kind == "ClusterRole";

        public async Task AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken)
        {
            if (!Armed || Wrote || request.Old is null || request.Object.Metadata.Name != Role)
            {
                return;
            }

            Wrote = true;
            var key = ByteString.CopyFromUtf8(request.Resource.Key(null, Role));
            var stored = (await accessor.Store.RangeAsync(new RangeRequest { Key = key }, cancellationToken)).Kvs.Single();
            var json = JsonNode.Parse(stored.Value.Span)!.AsObject();
            var meta = json["metadata"]!.AsObject();
            var labels = meta["labels"] as JsonObject ?? [];
            labels["concurrent"] = "yes";
            meta["labels"] = labels;
            await accessor.Store.PutAsync(new PutRequest { Key = key, Value = ByteString.CopyFromUtf8(json.ToJsonString()) }, cancellationToken);
        }
    }
}
