using System.Text.Json;
using k8s;
using k8s.Models;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.Rest;

public sealed partial class RestApiTests
{
    [Test]
    public async Task Finalizers_hold_deletion_until_the_last_one_is_removed()
    {
        var ns = await NamespaceAsync();
        var cm = ConfigMap("held");
        cm.Metadata.Finalizers = ["example.com/hold"];
        await _client.CreateNamespacedConfigMapAsync(cm, ns);
        await _client.DeleteNamespacedConfigMapAsync("held", ns);
        var marked = await _client.ReadNamespacedConfigMapAsync("held", ns);
        Assert.That(marked.Metadata.DeletionTimestamp, Is.Not.Null);

        await _client.PatchNamespacedConfigMapAsync(new V1Patch("""{"metadata":{"finalizers":null}}""", V1Patch.PatchType.MergePatch), "held", ns);
        var gone = await FailureAsync(() => _client.ReadNamespacedConfigMapAsync("held", ns));
        Assert.That(gone.GetProperty("code").GetInt32(), Is.EqualTo(404));
    }

    [Test]
    public async Task Delete_preconditions_and_propagation_policies()
    {
        var ns = await NamespaceAsync();
        var created = await _client.CreateNamespacedConfigMapAsync(ConfigMap("pre"), ns);
        var uid = await FailureAsync(() => _client.DeleteNamespacedConfigMapAsync("pre", ns, new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = "other" } }));
        Assert.That(uid.GetProperty("message").GetString(), Is.EqualTo(
            $"Operation cannot be fulfilled on configmaps \"pre\": Precondition failed: UID in precondition: other, UID in object meta: {created.Metadata.Uid}"));
        var rv = await FailureAsync(() => _client.DeleteNamespacedConfigMapAsync("pre", ns, new V1DeleteOptions { Preconditions = new V1Preconditions { ResourceVersion = "1" } }));
        Assert.That(rv.GetProperty("code").GetInt32(), Is.EqualTo(409));

        // Foreground adds the foregroundDeletion finalizer (the garbage collector clears it); Orphan adds orphan.
        await _client.DeleteNamespacedConfigMapAsync("pre", ns, new V1DeleteOptions { PropagationPolicy = "Foreground" });
        var foreground = await _client.ReadNamespacedConfigMapAsync("pre", ns);
        Assert.That(foreground.Metadata.Finalizers, Is.EqualTo(new[] { "foregroundDeletion" }));
        Assert.That(foreground.Metadata.DeletionTimestamp, Is.Not.Null);

        await _client.CreateNamespacedConfigMapAsync(ConfigMap("bg"), ns);
        var status = await _client.DeleteNamespacedConfigMapAsync("bg", ns, new V1DeleteOptions { PropagationPolicy = "Background", GracePeriodSeconds = 0 });
        Assert.That(status.Status, Is.EqualTo("Success"));
    }

    [Test]
    public async Task Deletecollection_by_label()
    {
        var ns = await NamespaceAsync();
        await _client.CreateNamespacedConfigMapAsync(ConfigMap("a", new Dictionary<string, string> { ["x"] = "1" }), ns);
        await _client.CreateNamespacedConfigMapAsync(ConfigMap("b", new Dictionary<string, string> { ["x"] = "1" }), ns);
        await _client.CreateNamespacedConfigMapAsync(ConfigMap("c"), ns);
        await _client.DeleteCollectionNamespacedConfigMapAsync(ns, labelSelector: "x=1");
        Assert.That((await _client.ListNamespacedConfigMapAsync(ns)).Items.Select(i => i.Metadata.Name), Is.EqualTo(new[] { "c" }));
    }

    [Test]
    public async Task Tables_carry_columns_rows_with_objects_and_the_list_version()
    {
        var ns = await NamespaceAsync();
        await _client.CreateNamespacedConfigMapAsync(ConfigMap("t", new Dictionary<string, string> { ["app"] = "web" }), ns);
        var (code, body, type) = await SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps?limit=500",
            accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json");
        Assert.That(code, Is.EqualTo(200), body);
        Assert.That(type, Does.Contain("as=Table"));
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        Assert.That(root.GetProperty("kind").GetString(), Is.EqualTo("Table"));
        Assert.That(root.GetProperty("apiVersion").GetString(), Is.EqualTo("meta.k8s.io/v1"));
        Assert.That(root.GetProperty("metadata").GetProperty("resourceVersion").GetString(), Is.Not.Empty);
        Assert.That(root.GetProperty("columnDefinitions").EnumerateArray().Select(c => c.GetProperty("name").GetString()), Is.EqualTo(new[] { "Name", "Data", "Age" }));
        var row = root.GetProperty("rows")[0];
        Assert.That(row.GetProperty("cells")[0].GetString(), Is.EqualTo("t"));
        Assert.That(row.GetProperty("cells")[1].GetInt32(), Is.EqualTo(1));
        Assert.That(row.GetProperty("object").GetProperty("kind").GetString(), Is.EqualTo("PartialObjectMetadata"));
        Assert.That(row.GetProperty("object").GetProperty("metadata").GetProperty("labels").GetProperty("app").GetString(), Is.EqualTo("web"));

        (code, body, _) = await SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps/t?includeObject=Object", accept: "application/json;as=Table;v=v1;g=meta.k8s.io");
        Assert.That(body, Does.Contain("\"object\":{\"apiVersion\":\"v1\",\"data\":{\"k\":\"v\"},\"kind\":\"ConfigMap\""));

        (code, body, _) = await SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps", accept: "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io");
        Assert.That(body, Does.StartWith("{\"kind\":\"PartialObjectMetadataList\",\"apiVersion\":\"meta.k8s.io/v1\""));

        (code, _, _) = await SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps", accept: "text/html");
        Assert.That(code, Is.EqualTo(406));
    }

    [TestCase("{\"metadata\":{\"name\":\"Bad_Name\"}}", 422, "ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain")]
    [TestCase("{\"metadata\":{\"name\":\"x\"", 400, "couldn't get version/kind; json parse error")]
    [TestCase("{\"metadata\":{\"name\":\"x\"},\"data\":{\"k\":1}}", 400, "ConfigMap in version \"v1\" cannot be handled as a ConfigMap")]
    [TestCase("{\"apiVersion\":\"apps/v1\",\"metadata\":{\"name\":\"x\"}}", 400, "the API version in the data (apps/v1) does not match the expected API version (v1)")]
    [TestCase("{\"metadata\":{\"name\":\"x\",\"labels\":{\"a\":\"b c\"}}}", 422, "ConfigMap \"x\" is invalid: metadata.labels: Invalid value: \"b c\": a valid label must be an empty string")]
    public async Task Bad_bodies_are_refused_with_upstream_messages(string body, int code, string message)
    {
        var ns = await NamespaceAsync();
        var (status, text, _) = await SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", body);
        Assert.That(status, Is.EqualTo(code), text);
        using var doc = JsonDocument.Parse(text);
        Assert.That(doc.RootElement.GetProperty("message").GetString(), Does.StartWith(message));
        Assert.That(doc.RootElement.GetProperty("code").GetInt32(), Is.EqualTo(code));
    }

    [Test]
    public async Task Limits_nesting_size_strict_fields_and_missing_or_terminating_namespaces()
    {
        var ns = await NamespaceAsync();
        var deep = "{\"metadata\":{\"name\":\"d\"},\"x\":" + string.Concat(Enumerable.Repeat("[", 5000)) + string.Concat(Enumerable.Repeat("]", 5000)) + "}";
        var (code, body, _) = await SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", deep);
        Assert.That((code, body), Is.EqualTo((400, body)));
        Assert.That(body, Does.Contain("nested too deeply"));

        (code, body, _) = await SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", "{\"data\":{\"k\":\"" + new string('x', 3 * 1024 * 1024 + 10) + "\"}}");
        Assert.That(code, Is.EqualTo(413), body);
        Assert.That(body, Does.Contain("Request entity too large: limit is 3145728"));

        (code, body, _) = await SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", "{\"metadata\":{\"name\":\"big\"},\"data\":{\"k\":\"" + new string('x', 1100 * 1024) + "\"}}");
        Assert.That(code, Is.EqualTo(422), body);
        Assert.That(body, Does.Contain("Too long: may not be more than 1048576 bytes"));

        (code, body, _) = await SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps?fieldValidation=Strict", "{\"metadata\":{\"name\":\"s\"},\"spec\":{\"foo\":1}}");
        Assert.That(code, Is.EqualTo(400), body);
        Assert.That(body, Does.Contain("strict decoding error: unknown field \\\"spec\\\""));

        var missing = await FailureAsync(() => _client.CreateNamespacedConfigMapAsync(ConfigMap("m"), "no-such-ns"));
        Assert.That(missing.GetProperty("message").GetString(), Is.EqualTo("namespaces \"no-such-ns\" not found"));
    }

    [Test]
    public async Task Namespace_deletion_terminates_empties_and_removes_it()
    {
        var ns = await NamespaceAsync();
        await _client.CreateNamespacedConfigMapAsync(ConfigMap("content"), ns);
        var held = ConfigMap("held");
        held.Metadata.Finalizers = ["example.com/hold"];
        await _client.CreateNamespacedConfigMapAsync(held, ns);
        await _client.DeleteNamespaceAsync(ns);

        var terminating = await _client.ReadNamespaceAsync(ns);
        Assert.That(terminating.Status.Phase, Is.EqualTo("Terminating"));
        Assert.That(terminating.Metadata.DeletionTimestamp, Is.Not.Null);
        var forbidden = await FailureAsync(() => _client.CreateNamespacedConfigMapAsync(ConfigMap("late"), ns));
        Assert.That(forbidden.GetProperty("code").GetInt32(), Is.EqualTo(403));
        Assert.That(forbidden.GetProperty("message").GetString(), Is.EqualTo(
            $"configmaps \"late\" is forbidden: unable to create new content in namespace {ns} because it is being terminated"));

        // The held object keeps the namespace until its finalizer goes.
        await WaitAsync(async () => (await _client.ListNamespacedConfigMapAsync(ns)).Items.Select(i => i.Metadata.Name).SequenceEqual(["held"]));

        // The namespace controller's status conditions are its own fields (kubectl get ns -o yaml --show-managed-fields).
        await WaitAsync(async () => (await _client.ReadNamespaceAsync(ns)).Metadata.ManagedFields?.Any(m => m.Manager == "kube-controller-manager" && m.Subresource == "status") == true);
        await _client.PatchNamespacedConfigMapAsync(new V1Patch("""{"metadata":{"finalizers":null}}""", V1Patch.PatchType.MergePatch), "held", ns);
        await WaitAsync(async () => (await _client.ListNamespaceAsync(fieldSelector: $"metadata.name={ns}")).Items.Count == 0);
    }

    private static async Task WaitAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "condition not met in 20 s");
            await Task.Delay(100);
        }
    }
}
