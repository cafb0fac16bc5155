using k8s;
using k8s.Models;
using LocalKube.Node.ApiServer.Rest;
using LocalKube.Node.ApiServer.Storage;
using LocalKube.Node.Storage.Protocol;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.Rest;

public sealed partial class RestApiTests
{
    [Test]
    public async Task Watch_from_zero_sends_synthetic_adds_then_live_events_filtered_by_labels()
    {
        var ns = await NamespaceAsync();
        await _client.CreateNamespacedConfigMapAsync(ConfigMap("before", new Dictionary<string, string> { ["app"] = "web" }), ns);
        await _client.CreateNamespacedConfigMapAsync(ConfigMap("other", new Dictionary<string, string> { ["app"] = "db" }), ns);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var response = _client.CoreV1.WatchListNamespacedConfigMapAsync(ns, resourceVersion: "0", labelSelector: "app=web", cancellationToken: timeout.Token);
        var seen = new List<(WatchEventType, string, string?)>();
        await foreach (var (type, cm) in response)
        {
            seen.Add((type, cm.Metadata.Name, (cm.Data is { } d && d.TryGetValue("k", out var v) ? v : null)));
            if (seen.Count == 1)
            {
                await _client.CreateNamespacedConfigMapAsync(ConfigMap("after", new Dictionary<string, string> { ["app"] = "web" }), ns);
                await _client.CreateNamespacedConfigMapAsync(ConfigMap("ignored", new Dictionary<string, string> { ["app"] = "db" }), ns);
                await _client.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"k":"2"}}""", V1Patch.PatchType.MergePatch), "after", ns);
                await _client.PatchNamespacedConfigMapAsync(new V1Patch("""{"metadata":{"labels":{"app":"db"}}}""", V1Patch.PatchType.MergePatch), "before", ns);
            }

            if (seen.Count == 4)
            {
                break;
            }
        }

        Assert.That(seen, Is.EqualTo(new[]
        {
            (WatchEventType.Added, "before", "v"),
            (WatchEventType.Added, "after", "v"),
            (WatchEventType.Modified, "after", "2"),
            (WatchEventType.Deleted, "before", "v"),
        }));
    }

    [Test]
    public async Task Watch_from_a_resource_version_sends_only_later_changes_and_deletes_carry_the_last_state()
    {
        var ns = await NamespaceAsync();
        var first = await _client.CreateNamespacedConfigMapAsync(ConfigMap("a"), ns);
        await _client.CreateNamespacedConfigMapAsync(ConfigMap("b"), ns);
        await _client.DeleteNamespacedConfigMapAsync("a", ns);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var response = _client.CoreV1.WatchListNamespacedConfigMapAsync(ns, resourceVersion: first.Metadata.ResourceVersion, cancellationToken: timeout.Token);
        var seen = new List<(WatchEventType, string)>();
        await foreach (var (type, cm) in response)
        {
            seen.Add((type, cm.Metadata.Name));
            if (type == WatchEventType.Deleted)
            {
                Assert.That(cm.Data["k"], Is.EqualTo("v"));
                Assert.That(long.Parse(cm.Metadata.ResourceVersion), Is.GreaterThan(long.Parse(first.Metadata.ResourceVersion)));
                break;
            }
        }

        Assert.That(seen, Is.EqualTo(new[] { (WatchEventType.Added, "b"), (WatchEventType.Deleted, "a") }));
    }

    [Test]
    public async Task Watch_from_a_compacted_version_gets_410_and_a_relist_recovers()
    {
        var ns = await NamespaceAsync();
        var old = await _client.CreateNamespacedConfigMapAsync(ConfigMap("c"), ns);
        await _client.ReplaceNamespacedConfigMapAsync(ConfigMap("c", value: "2"), "c", ns);
        var latest = await _client.ListNamespacedConfigMapAsync(ns);
        var store = _agent.Host.Services.GetRequiredService<StoreAccessor>().Store;
        await store.CompactAsync(new CompactionRequest { Revision = long.Parse(latest.Metadata.ResourceVersion), Physical = true }, CancellationToken.None);

        // Raw: the 410 arrives as an ERROR event carrying an Expired Status.
        var (code, body, _) = await SendAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps?watch=true&resourceVersion={old.Metadata.ResourceVersion}&timeoutSeconds=5");
        Assert.That(code, Is.EqualTo(200));
        Assert.That(body, Does.StartWith("{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\""));
        Assert.That(body, Does.Contain("\"reason\":\"Expired\"").And.Contain("\"code\":410").And.Contain($"too old resource version: {old.Metadata.ResourceVersion}"));

        // KubernetesClient surfaces it as an error; relisting and watching from the list's version works.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var failed = false;
        try
        {
            var stale = _client.CoreV1.WatchListNamespacedConfigMapAsync(ns, resourceVersion: old.Metadata.ResourceVersion,
                onError: e => failed |= e is KubernetesException { Status.Code: 410 }, cancellationToken: timeout.Token);
            await foreach (var (type, _) in stale)
            {
                // KubernetesClient hands ERROR events through as WatchEventType.Error.
                failed |= type == WatchEventType.Error;
                break;
            }
        }
        catch (KubernetesException e)
        {
            failed = e.Status.Code == 410;
        }

        Assert.That(failed, Is.True);
        var relist = await _client.ListNamespacedConfigMapAsync(ns);
        var watch = _client.CoreV1.WatchListNamespacedConfigMapAsync(ns, resourceVersion: relist.Metadata.ResourceVersion, cancellationToken: timeout.Token);
        await _client.CreateNamespacedConfigMapAsync(ConfigMap("d"), ns);
        await foreach (var (type, cm) in watch)
        {
            Assert.That((type, cm.Metadata.Name), Is.EqualTo((WatchEventType.Added, "d")));
            break;
        }
    }

    [Test]
    public async Task Watch_bookmarks_timeout_and_named_watch()
    {
        var ns = await NamespaceAsync();
        var cm = await _client.CreateNamespacedConfigMapAsync(ConfigMap("n"), ns);
        await _client.CreateNamespacedConfigMapAsync(ConfigMap("m"), ns);

        // timeoutSeconds ends the stream; the named watch (fieldSelector) sees only its object; sendInitialEvents ends
        // the initial state with an annotated bookmark.
        var started = DateTime.UtcNow;
        var (code, body, _) = await SendAsync(HttpMethod.Get,
            $"/api/v1/namespaces/{ns}/configmaps?watch=1&fieldSelector=metadata.name%3Dn&resourceVersion=0&timeoutSeconds=1&allowWatchBookmarks=true&sendInitialEvents=true");
        Assert.That(code, Is.EqualTo(200));
        Assert.That(DateTime.UtcNow - started, Is.LessThan(TimeSpan.FromSeconds(10)));
        var lines = body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Does.StartWith("{\"type\":\"ADDED\"").And.Contain("\"name\":\"n\"").And.Contain($"\"resourceVersion\":\"{cm.Metadata.ResourceVersion}\""));
        Assert.That(lines[1], Does.StartWith("{\"type\":\"BOOKMARK\"").And.Contain("k8s.io/initial-events-end"));
        Assert.That(body, Does.Not.Contain("\"name\":\"m\""));
    }

    [Test]
    public async Task A_change_that_leaves_the_selector_is_deleted_with_the_previous_state_at_the_change_revision()
    {
        var ns = await NamespaceAsync();
        var created = await _client.CreateNamespacedConfigMapAsync(ConfigMap("leaving", new Dictionary<string, string> { ["app"] = "web" }), ns);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var watch = _client.CoreV1.WatchListNamespacedConfigMapAsync(ns, resourceVersion: created.Metadata.ResourceVersion, labelSelector: "app=web", cancellationToken: timeout.Token);
        var patched = await _client.PatchNamespacedConfigMapAsync(
            new V1Patch("""{"metadata":{"labels":{"app":"db"}},"data":{"k":"new"}}""", V1Patch.PatchType.MergePatch), "leaving", ns);
        await foreach (var (type, cm) in watch)
        {
            Assert.That(type, Is.EqualTo(WatchEventType.Deleted));
            Assert.That(cm.Metadata.Labels["app"], Is.EqualTo("web"), "the object as the watcher last saw it");
            Assert.That(cm.Data["k"], Is.EqualTo("v"));
            Assert.That(cm.Metadata.ResourceVersion, Is.EqualTo(patched.Metadata.ResourceVersion), "at the revision of the change");
            break;
        }
    }

    [Test]
    public async Task A_quiet_filtered_watch_gets_bookmarks_that_keep_up_with_changes_it_filters_out()
    {
        var ns = await NamespaceAsync();
        var start = await _client.ListNamespacedConfigMapAsync(ns);
        var saved = RestHandler.BookmarkInterval;
        RestHandler.BookmarkInterval = TimeSpan.FromMilliseconds(300);
        try
        {
            // Nothing matches the selector; every change below is filtered out.
            var watch = SendAsync(HttpMethod.Get,
                $"/api/v1/namespaces/{ns}/configmaps?watch=1&labelSelector=app%3Dnone&allowWatchBookmarks=true&resourceVersion={start.Metadata.ResourceVersion}&timeoutSeconds=3");
            V1ConfigMap last = null!;
            for (var i = 0; i < 3; i++)
            {
                last = await _client.CreateNamespacedConfigMapAsync(ConfigMap($"other-{i}"), ns);
            }

            var (code, body, _) = await watch;
            Assert.That(code, Is.EqualTo(200));
            var bookmarks = body.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => System.Text.Json.Nodes.JsonNode.Parse(line)!)
                .Where(e => (string?)e["type"] == "BOOKMARK")
                .Select(e => long.Parse((string)e["object"]!["metadata"]!["resourceVersion"]!, System.Globalization.CultureInfo.InvariantCulture))
                .ToList();
            Assert.That(bookmarks, Is.Not.Empty, body);
            Assert.That(bookmarks[^1], Is.GreaterThanOrEqualTo(long.Parse(last.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture)),
                "the bookmark moved past the changes the selector filtered out");
        }
        finally
        {
            RestHandler.BookmarkInterval = saved;
        }
    }
}
