using System.Net;
using k8s;
using k8s.Models;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.Rest;

public sealed partial class RestApiTests
{
    [Test]
    public async Task Create_get_update_delete_a_configmap()
    {
        var ns = await NamespaceAsync();
        var created = await _client.CreateNamespacedConfigMapAsync(ConfigMap("web"), ns);
        Assert.Multiple(() =>
        {
            Assert.That(created.Metadata.Uid, Is.Not.Empty);
            Assert.That(created.Metadata.ResourceVersion, Is.Not.Empty);
            Assert.That(created.Metadata.CreationTimestamp, Is.Not.Null);
            Assert.That(created.Metadata.NamespaceProperty, Is.EqualTo(ns));
            Assert.That(created.Kind, Is.EqualTo("ConfigMap"));
        });

        var read = await _client.ReadNamespacedConfigMapAsync("web", ns);
        Assert.That(read.Metadata.ResourceVersion, Is.EqualTo(created.Metadata.ResourceVersion));
        Assert.That(read.Data["k"], Is.EqualTo("v"));

        read.Data["k"] = "changed";
        var updated = await _client.ReplaceNamespacedConfigMapAsync(read, "web", ns);
        Assert.That(long.Parse(updated.Metadata.ResourceVersion), Is.GreaterThan(long.Parse(read.Metadata.ResourceVersion)));
        Assert.That(updated.Metadata.Uid, Is.EqualTo(created.Metadata.Uid));

        // Stale resourceVersion: upstream's conflict text.
        var stale = await FailureAsync(() => _client.ReplaceNamespacedConfigMapAsync(read, "web", ns));
        Assert.That(stale.GetProperty("code").GetInt32(), Is.EqualTo(409));
        Assert.That(stale.GetProperty("reason").GetString(), Is.EqualTo("Conflict"));
        Assert.That(stale.GetProperty("message").GetString(), Is.EqualTo(
            "Operation cannot be fulfilled on configmaps \"web\": the object has been modified; please apply your changes to the latest version and try again"));

        var status = await _client.DeleteNamespacedConfigMapAsync("web", ns);
        Assert.That(status.Status, Is.EqualTo("Success"));
        var gone = await FailureAsync(() => _client.ReadNamespacedConfigMapAsync("web", ns));
        Assert.That(gone.GetProperty("message").GetString(), Is.EqualTo("configmaps \"web\" not found"));
        Assert.That(gone.GetProperty("details").GetProperty("kind").GetString(), Is.EqualTo("configmaps"));
    }

    [Test]
    public async Task Duplicate_create_is_already_exists_and_generate_name_picks_a_suffix()
    {
        var ns = await NamespaceAsync();
        await _client.CreateNamespacedConfigMapAsync(ConfigMap("dup"), ns);
        var dup = await FailureAsync(() => _client.CreateNamespacedConfigMapAsync(ConfigMap("dup"), ns));
        Assert.That(dup.GetProperty("reason").GetString(), Is.EqualTo("AlreadyExists"));
        Assert.That(dup.GetProperty("message").GetString(), Is.EqualTo("configmaps \"dup\" already exists"));

        var generated = await _client.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { GenerateName = "gen-" } }, ns);
        Assert.That(generated.Metadata.Name, Does.Match("^gen-[a-z0-9]{5}$"));
    }

    [Test]
    public async Task Secrets_default_type_fold_string_data_and_keep_type_immutable()
    {
        var ns = await NamespaceAsync();
        var secret = await _client.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "s" },
            StringData = new Dictionary<string, string> { ["password"] = "hunter2" },
        }, ns);
        Assert.That(secret.Type, Is.EqualTo("Opaque"));
        Assert.That(System.Text.Encoding.UTF8.GetString(secret.Data["password"]), Is.EqualTo("hunter2"));
        Assert.That(secret.StringData, Is.Null);

        secret.Type = "kubernetes.io/tls";
        var invalid = await FailureAsync(() => _client.ReplaceNamespacedSecretAsync(secret, "s", ns));
        Assert.That(invalid.GetProperty("code").GetInt32(), Is.EqualTo(422));
        Assert.That(invalid.GetProperty("message").GetString(), Does.Contain("type: Invalid value: \"kubernetes.io/tls\": field is immutable"));
    }

    [Test]
    public async Task Immutable_configmap_refuses_data_changes()
    {
        var ns = await NamespaceAsync();
        var cm = ConfigMap("frozen");
        cm.Immutable = true;
        var created = await _client.CreateNamespacedConfigMapAsync(cm, ns);
        created.Data["k"] = "other";
        var error = await FailureAsync(() => _client.ReplaceNamespacedConfigMapAsync(created, "frozen", ns));
        Assert.That(error.GetProperty("message").GetString(), Is.EqualTo(
            "ConfigMap \"frozen\" is invalid: data: Forbidden: field is immutable when `immutable` is set"));
        var cause = error.GetProperty("details").GetProperty("causes")[0];
        Assert.That(cause.GetProperty("reason").GetString(), Is.EqualTo("FieldValueForbidden"));
        Assert.That(cause.GetProperty("field").GetString(), Is.EqualTo("data"));
    }

    [Test]
    public async Task Merge_patch_adds_and_removes_labels()
    {
        var ns = await NamespaceAsync();
        await _client.CreateNamespacedConfigMapAsync(ConfigMap("p", new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" }), ns);
        var patched = await _client.PatchNamespacedConfigMapAsync(
            new V1Patch("""{"metadata":{"labels":{"a":null,"c":"3"}}}""", V1Patch.PatchType.MergePatch), "p", ns);
        Assert.That(patched.Metadata.Labels, Is.EquivalentTo(new Dictionary<string, string> { ["b"] = "2", ["c"] = "3" }));
        Assert.That(patched.Data["k"], Is.EqualTo("v"));

        var (code, body, _) = await SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/p", "{}", "text/plain");
        Assert.That(code, Is.EqualTo(415), body);
    }

    [Test]
    public async Task Dry_run_persists_nothing()
    {
        var ns = await NamespaceAsync();
        await _client.CreateNamespacedConfigMapAsync(ConfigMap("dry"), ns, dryRun: "All");
        Assert.That((await _client.ListNamespacedConfigMapAsync(ns)).Items, Is.Empty);
        await _client.CreateNamespacedConfigMapAsync(ConfigMap("real"), ns);
        await _client.DeleteNamespacedConfigMapAsync("real", ns, dryRun: "All");
        Assert.That((await _client.ListNamespacedConfigMapAsync(ns)).Items, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Cluster_scoped_namespaces_and_cross_namespace_lists()
    {
        var a = await NamespaceAsync();
        var b = await NamespaceAsync();
        await _client.CreateNamespacedConfigMapAsync(ConfigMap("one"), a);
        await _client.CreateNamespacedConfigMapAsync(ConfigMap("two"), b);
        var all = await _client.ListConfigMapForAllNamespacesAsync();
        Assert.That(all.Items.Select(i => $"{i.Metadata.NamespaceProperty}/{i.Metadata.Name}"), Is.SupersetOf(new[] { $"{a}/one", $"{b}/two" }));

        var namespaces = await _client.ListNamespaceAsync();
        Assert.That(namespaces.Items.Select(n => n.Metadata.Name), Is.SupersetOf(new[] { "default", "kube-system", "kube-public", "kube-node-lease", a }));
        var ns = namespaces.Items.Single(n => n.Metadata.Name == a);
        Assert.That(ns.Status.Phase, Is.EqualTo("Active"));
        Assert.That(ns.Spec.Finalizers, Is.EqualTo(new[] { "kubernetes" }));
        Assert.That(ns.Metadata.Labels["kubernetes.io/metadata.name"], Is.EqualTo(a));
    }

    [Test]
    public async Task Unknown_resource_and_method_answer_status()
    {
        var (code, body, _) = await SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/widgets");
        Assert.That(code, Is.EqualTo((int)HttpStatusCode.NotFound), body);
        Assert.That(body, Does.Contain("\"reason\":\"NotFound\""));
        (code, body, _) = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps/x", "{}");
        Assert.That(code, Is.EqualTo(405), body);
        Assert.That(body, Does.Contain("\"reason\":\"MethodNotAllowed\""));
    }
}
