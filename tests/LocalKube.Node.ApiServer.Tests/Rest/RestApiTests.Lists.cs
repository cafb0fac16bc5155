using k8s;
using k8s.Models;
using LocalKube.Node.ApiServer.Storage;
using LocalKube.Node.Storage.Protocol;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.Rest;

public sealed partial class RestApiTests
{
    [TestCase("app=web", new[] { "a", "b" })]
    [TestCase("app==web,tier=front", new[] { "a" })]
    [TestCase("app!=web", new[] { "c", "d" })]
    [TestCase("app in (web,db)", new[] { "a", "b", "c" })]
    [TestCase("app notin (web)", new[] { "c", "d" })]
    [TestCase("tier", new[] { "a", "c" })]
    [TestCase("!tier", new[] { "b", "d" })]
    [TestCase("rank>5", new[] { "b" })]
    [TestCase("rank<5", new[] { "a" })]
    public async Task Label_selectors_support_every_operator(string selector, string[] expected)
    {
        var ns = await NamespaceAsync();
        await _client.CreateNamespacedConfigMapAsync(ConfigMap("a", new Dictionary<string, string> { ["app"] = "web", ["tier"] = "front", ["rank"] = "1" }), ns);
        await _client.CreateNamespacedConfigMapAsync(ConfigMap("b", new Dictionary<string, string> { ["app"] = "web", ["rank"] = "10" }), ns);
        await _client.CreateNamespacedConfigMapAsync(ConfigMap("c", new Dictionary<string, string> { ["app"] = "db", ["tier"] = "back" }), ns);
        await _client.CreateNamespacedConfigMapAsync(ConfigMap("d"), ns);
        var list = await _client.ListNamespacedConfigMapAsync(ns, labelSelector: selector);
        Assert.That(list.Items.Select(i => i.Metadata.Name), Is.EqualTo(expected));
    }

    [Test]
    public async Task Bad_selectors_are_400_with_upstream_messages()
    {
        var ns = await NamespaceAsync();
        var bad = await FailureAsync(() => _client.ListNamespacedConfigMapAsync(ns, labelSelector: "app in web"));
        Assert.That(bad.GetProperty("code").GetInt32(), Is.EqualTo(400));
        Assert.That(bad.GetProperty("message").GetString(), Is.EqualTo("found 'web', expected: '('"));
        var field = await FailureAsync(() => _client.ListNamespacedConfigMapAsync(ns, fieldSelector: "spec.foo=bar"));
        Assert.That(field.GetProperty("message").GetString(), Is.EqualTo("field label not supported: spec.foo"));
        var secrets = await _client.ListNamespacedSecretAsync(ns, fieldSelector: "type=Opaque,metadata.name!=x");
        Assert.That(secrets.Items, Is.Empty);
    }

    [Test]
    public async Task Field_selectors_filter_by_name_namespace_and_type()
    {
        var ns = await NamespaceAsync();
        await _client.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "opaque" } }, ns);
        await _client.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "basic" },
            Type = "kubernetes.io/basic-auth",
            StringData = new Dictionary<string, string> { ["username"] = "u" },
        }, ns);
        Assert.That((await _client.ListNamespacedSecretAsync(ns, fieldSelector: "type=kubernetes.io/basic-auth")).Items.Select(s => s.Metadata.Name), Is.EqualTo(new[] { "basic" }));
        Assert.That((await _client.ListSecretForAllNamespacesAsync(fieldSelector: $"metadata.namespace={ns},metadata.name=opaque")).Items, Has.Count.EqualTo(1));
        var namespaces = await _client.ListNamespaceAsync(fieldSelector: "status.phase=Active,metadata.name=default");
        Assert.That(namespaces.Items.Single().Metadata.Name, Is.EqualTo("default"));
    }

    [Test]
    public async Task Pagination_is_consistent_and_an_expired_continue_is_410()
    {
        var ns = await NamespaceAsync();
        for (var i = 0; i < 7; i++)
        {
            await _client.CreateNamespacedConfigMapAsync(ConfigMap($"p{i}"), ns);
        }

        var page = await _client.ListNamespacedConfigMapAsync(ns, limit: 3);
        Assert.That(page.Items, Has.Count.EqualTo(3));
        Assert.That(page.Metadata.RemainingItemCount, Is.EqualTo(4));
        var names = page.Items.Select(i => i.Metadata.Name).ToList();

        // Written after the first page: a consistent paged list does not show it.
        await _client.CreateNamespacedConfigMapAsync(ConfigMap("p9"), ns);
        while (page.Metadata.ContinueProperty is { Length: > 0 } next)
        {
            page = await _client.ListNamespacedConfigMapAsync(ns, limit: 3, continueParameter: next);
            Assert.That(page.Items.Count, Is.LessThanOrEqualTo(3));
            names.AddRange(page.Items.Select(i => i.Metadata.Name));
        }

        Assert.That(names, Is.EqualTo(Enumerable.Range(0, 7).Select(i => $"p{i}")));

        var first = await _client.ListNamespacedConfigMapAsync(ns, limit: 2);
        await _client.CreateNamespacedConfigMapAsync(ConfigMap("q"), ns);
        var latest = await _client.ListNamespacedConfigMapAsync(ns);
        var store = _agent.Host.Services.GetRequiredService<StoreAccessor>().Store;
        await store.CompactAsync(new CompactionRequest { Revision = long.Parse(latest.Metadata.ResourceVersion), Physical = true }, CancellationToken.None);
        var expired = await FailureAsync(() => _client.ListNamespacedConfigMapAsync(ns, limit: 2, continueParameter: first.Metadata.ContinueProperty));
        Assert.That(expired.GetProperty("code").GetInt32(), Is.EqualTo(410));
        Assert.That(expired.GetProperty("reason").GetString(), Is.EqualTo("Expired"));
        Assert.That(expired.GetProperty("message").GetString(), Does.StartWith("The provided continue parameter is too old"));

        var garbage = await FailureAsync(() => _client.ListNamespacedConfigMapAsync(ns, limit: 2, continueParameter: "not-a-token"));
        Assert.That(garbage.GetProperty("code").GetInt32(), Is.EqualTo(400));
    }

    [Test]
    public async Task Label_selected_pages_fill_up_to_the_limit()
    {
        var ns = await NamespaceAsync();
        for (var i = 0; i < 6; i++)
        {
            await _client.CreateNamespacedConfigMapAsync(ConfigMap($"x{i}", new Dictionary<string, string> { ["even"] = (i % 2 == 0).ToString().ToLowerInvariant() }), ns);
        }

        var page = await _client.ListNamespacedConfigMapAsync(ns, limit: 2, labelSelector: "even=true");
        Assert.That(page.Items.Select(i => i.Metadata.Name), Is.EqualTo(new[] { "x0", "x2" }));
        var rest = await _client.ListNamespacedConfigMapAsync(ns, limit: 2, labelSelector: "even=true", continueParameter: page.Metadata.ContinueProperty);
        Assert.That(rest.Items.Select(i => i.Metadata.Name), Is.EqualTo(new[] { "x4" }));
    }
}
