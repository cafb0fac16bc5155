using k8s;
using k8s.Models;
using LocalKube.Abstractions.Node;
using LocalKube.Node.Client.Informers;
using LocalKube.Node.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace LocalKube.Node.Client.Tests;

/// <summary>Informers against the real agent (Kestrel + store), one agent for the fixture, one namespace per test.</summary>
[TestFixture]
[Category("Integration")]
public sealed class InformerTests
{
    private TestAgent _agent = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        // Short bookmark interval so the bookmark test need not wait a minute; a second of history for the 410 test.
        LocalKube.Node.ApiServer.Rest.RestHandler.BookmarkInterval = TimeSpan.FromMilliseconds(200);
        var options = new TestAgentOptions();
        options.ExtraConfig.Add("apiserver.etcd-compaction-interval=1s");
        _agent = await TestAgent.StartAsync(options);
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _agent.DisposeAsync();

    [Test]
    public async Task Create_update_and_delete_reach_handlers_in_order()
    {
        var ns = await NamespaceAsync();
        await using var factory = _agent.CreateInformerFactory();
        var informer = factory.GetInformer<V1ConfigMap>(new InformerOptions(Namespace: ns));
        var recorder = new Recorder<V1ConfigMap>();
        informer.AddEventHandler(recorder);
        factory.Start();
        await informer.WaitForSyncAsync(CancellationToken.None);

        var created = await _agent.Admin.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), ns);
        created.Data = new Dictionary<string, string> { ["k"] = "v" };
        var updated = await _agent.Admin.CoreV1.ReplaceNamespacedConfigMapAsync(created, "a", ns);
        await _agent.Admin.CoreV1.DeleteNamespacedConfigMapAsync("a", ns);

        await recorder.WaitAsync(c => c.Count >= 3, "three notifications");
        Assert.That(recorder.Calls, Is.EqualTo(new[]
        {
            $"Add a {created.Metadata.ResourceVersion}",
            $"Update a {created.Metadata.ResourceVersion}->{updated.Metadata.ResourceVersion}",
            $"Delete a {updated.Metadata.ResourceVersion}",
        }).Or.Matches<IReadOnlyList<string>>(c => c.Count == 3 && c[2].StartsWith("Delete a ", StringComparison.Ordinal) && c[0] == $"Add a {created.Metadata.ResourceVersion}"));
        Assert.That(informer.Lister.Get(ns, "a"), Is.Null);
    }

    [Test]
    public async Task Cached_objects_carry_no_managedFields_and_a_write_of_one_keeps_the_stored_ones()
    {
        var ns = await NamespaceAsync();
        var owned = ConfigMap("m");
        owned.Data = new Dictionary<string, string> { ["a"] = "1" };
        var created = await _agent.Admin.CoreV1.CreateNamespacedConfigMapAsync(owned, ns, fieldManager: "first");
        Assert.That(created.Metadata.ManagedFields, Has.Count.EqualTo(1), "the API server records them");
        await using var factory = _agent.CreateInformerFactory();
        var informer = factory.GetInformer<V1ConfigMap>(new InformerOptions(Namespace: ns));
        var recorder = new Recorder<V1ConfigMap>();
        informer.AddEventHandler(recorder);
        factory.Start();
        await informer.WaitForSyncAsync(CancellationToken.None);
        Assert.That(informer.Lister.Get(ns, "m")!.Metadata.ManagedFields, Is.Null, "listed");

        // A controller's update of the cached copy, as upstream's trimmed informers do it.
        var cached = informer.Lister.Get(ns, "m")!;
        cached.Data["k"] = "v";
        var updated = await _agent.Admin.CoreV1.ReplaceNamespacedConfigMapAsync(cached, "m", ns, fieldManager: "second");
        Assert.That(updated.Metadata.ManagedFields.Select(f => f.Manager), Is.EquivalentTo(new[] { "first", "second" }));

        await recorder.WaitAsync(c => c.Any(x => x.StartsWith("Update m", StringComparison.Ordinal)), "the update");
        Assert.That(informer.Lister.Get(ns, "m")!.Metadata.ManagedFields, Is.Null, "watched");
    }

    [Test]
    public async Task A_removed_informer_stops_notifying_and_a_new_one_takes_its_place()
    {
        var ns = await NamespaceAsync();
        await using var factory = _agent.CreateInformerFactory();
        var options = new InformerOptions(Namespace: ns);
        var informer = factory.GetInformer<V1ConfigMap>(options);
        var recorder = new Recorder<V1ConfigMap>();
        informer.AddEventHandler(recorder);
        factory.Start();
        await informer.WaitForSyncAsync(CancellationToken.None);

        // What the garbage collector does when discovery stops serving a resource.
        var before = recorder.Calls.Count;
        Assert.That(await factory.RemoveInformerAsync<V1ConfigMap>(null, options), Is.True);
        Assert.That(factory.Informers, Does.Not.Contain(informer));
        Assert.That(await factory.RemoveInformerAsync<V1ConfigMap>(null, options), Is.False, "already gone");
        await _agent.Admin.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("after"), ns);
        await Task.Delay(500);
        Assert.That(recorder.Calls, Has.Count.EqualTo(before), "the stopped informer no longer watches");

        var replacement = factory.GetInformer<V1ConfigMap>(options);
        Assert.That(replacement, Is.Not.SameAs(informer));
        await replacement.WaitForSyncAsync(CancellationToken.None);
        Assert.That(replacement.Lister.Get(ns, "after"), Is.Not.Null);
    }

    [Test]
    public async Task A_thousand_objects_sync_and_are_listed_by_index_and_selector()
    {
        var ns = await NamespaceAsync();
        await Parallel.ForEachAsync(Enumerable.Range(0, 1000), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var cm = ConfigMap($"cm-{i:D4}");
            cm.Metadata.Labels = new Dictionary<string, string> { ["parity"] = i % 2 == 0 ? "even" : "odd" };
            await _agent.Admin.CoreV1.CreateNamespacedConfigMapAsync(cm, ns, cancellationToken: ct);
        });

        await using var factory = _agent.CreateInformerFactory();
        var informer = factory.GetInformer<V1ConfigMap>(new InformerOptions(Namespace: ns));
        var recorder = new Recorder<V1ConfigMap>();
        informer.AddEventHandler(recorder);
        factory.Start();
        await factory.WaitForCacheSyncAsync(CancellationToken.None);
        await recorder.WaitAsync(c => c.Count >= 1000, "1000 adds");

        Assert.Multiple(() =>
        {
            Assert.That(informer.Lister.Count, Is.EqualTo(1000));
            Assert.That(recorder.InitialAdds, Is.EqualTo(1000));
            Assert.That(informer.Lister.List(ns).Count, Is.EqualTo(1000));
            Assert.That(informer.Lister.List(Machinery.Labels.LabelSelector.FromSet(new Dictionary<string, string> { ["parity"] = "odd" })).Count, Is.EqualTo(500));
            Assert.That(informer.Lister.ByIndex(Cache.Indexers.Namespace, ns).Count, Is.EqualTo(1000));
        });
    }

    [Test]
    public async Task Bookmarks_advance_the_resource_version_without_handler_calls()
    {
        var ns = await NamespaceAsync();
        await using var factory = _agent.CreateInformerFactory();
        var informer = factory.GetInformer<V1ConfigMap>(new InformerOptions(Namespace: ns, LabelSelector: "app=watched"));
        var recorder = new Recorder<V1ConfigMap>();
        informer.AddEventHandler(recorder);
        factory.Start();
        await informer.WaitForSyncAsync(CancellationToken.None);
        var synced = long.Parse(informer.LastSyncResourceVersion, System.Globalization.CultureInfo.InvariantCulture);

        // A change the selector filters out: the watch sends nothing for it, but its next bookmark carries its revision.
        var unwatched = await _agent.Admin.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("unwatched"), ns);
        var target = long.Parse(unwatched.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture);
        await WaitUntilAsync(() => long.Parse(informer.LastSyncResourceVersion, System.Globalization.CultureInfo.InvariantCulture) >= target, "a bookmark");

        Assert.That(target, Is.GreaterThan(synced));
        Assert.That(recorder.Calls, Is.Empty);
    }

    [Test]
    public async Task A_watch_from_a_compacted_resource_version_relists_and_notifies_only_differences()
    {
        var ns = await NamespaceAsync();
        var keep = await _agent.Admin.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("keep"), ns);
        var change = await _agent.Admin.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("change"), ns);
        var gone = await _agent.Admin.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("gone"), ns);
        var faults = new FaultInjector();
        using var client = _agent.CreateClient(ComponentIdentity.ControllerManager, faults);
        var informer = new SharedInformer<V1ConfigMap>(client, new InformerOptions(Namespace: ns), NullLogger.Instance, TimeProvider.System);
        var recorder = new Recorder<V1ConfigMap>();
        informer.AddEventHandler(recorder);
        using var stop = new CancellationTokenSource();
        var running = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync(CancellationToken.None);
        var syncedAt = informer.LastSyncResourceVersion;

        // The network goes away; meanwhile objects change and the history the informer would resume from is compacted.
        faults.Blocked = true;
        faults.DropWatches();
        change.Data = new Dictionary<string, string> { ["k"] = "v" };
        var changed = await _agent.Admin.CoreV1.ReplaceNamespacedConfigMapAsync(change, "change", ns);
        await _agent.Admin.CoreV1.DeleteNamespacedConfigMapAsync("gone", ns);
        var added = await _agent.Admin.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("new"), ns);
        await WaitForCompactionAsync(ns, syncedAt);
        faults.Blocked = false;

        await recorder.WaitAsync(c => c.Count >= 6, "the relist's notifications");
        await Task.Delay(300);
        await stop.CancelAsync();
        await running;

        Assert.That(recorder.Calls.Skip(3), Is.EquivalentTo(new[]
        {
            $"Update change {change.Metadata.ResourceVersion}->{changed.Metadata.ResourceVersion}",
            $"Delete gone {gone.Metadata.ResourceVersion} tombstone",
            $"Add new {added.Metadata.ResourceVersion}",
        }), "no call for 'keep', whose resourceVersion did not change");
        Assert.That(recorder.Calls.Take(3), Is.EquivalentTo(new[]
        {
            $"Add keep {keep.Metadata.ResourceVersion}", $"Add change {change.Metadata.ResourceVersion}", $"Add gone {gone.Metadata.ResourceVersion}",
        }));
    }

    [Test]
    public async Task An_api_server_restart_under_a_running_informer_loses_and_repeats_no_notification()
    {
        // An agent of its own: this one goes away and comes back (same port, same store) under the informer.
        await using var agent = await TestAgent.StartAsync();
        var ns = "restart";
        await agent.Admin.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        var keep = await agent.Admin.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("keep"), ns);
        var change = await agent.Admin.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("change"), ns);
        var gone = await agent.Admin.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("gone"), ns);
        await using var factory = agent.CreateInformerFactory();
        var informer = factory.GetInformer<V1ConfigMap>(new InformerOptions(Namespace: ns));
        var recorder = new Recorder<V1ConfigMap>();
        informer.AddEventHandler(recorder);
        factory.Start();
        await informer.WaitForSyncAsync(CancellationToken.None);
        await recorder.WaitAsync(c => c.Count == 3, "the initial adds");

        await agent.RestartAsync(TimeSpan.FromMilliseconds(500));
        change.Data = new Dictionary<string, string> { ["k"] = "v" };
        var changed = await agent.Admin.CoreV1.ReplaceNamespacedConfigMapAsync(change, "change", ns);
        await agent.Admin.CoreV1.DeleteNamespacedConfigMapAsync("gone", ns);
        var added = await agent.Admin.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("new"), ns);

        await recorder.WaitAsync(c => c.Count >= 6, "the changes after the restart");
        await Task.Delay(500);
        // The informer either resumes its watch where it stopped (the store kept its history) or, had it fallen
        // behind, relists and reports the delete as a tombstone: either way each change once, none twice.
        Assert.That(recorder.Calls, Has.Count.EqualTo(6), string.Join('\n', recorder.Calls));
        Assert.That(recorder.Calls.Take(3), Is.EquivalentTo(new[]
        {
            $"Add keep {keep.Metadata.ResourceVersion}", $"Add change {change.Metadata.ResourceVersion}", $"Add gone {gone.Metadata.ResourceVersion}",
        }));
        // (A delete carries the deletion's revision from a watch, the last one known from a relist.)
        Assert.That(recorder.Calls.Skip(3).Select(c => c.StartsWith("Delete gone ", StringComparison.Ordinal) ? "Delete gone" : c), Is.EquivalentTo(new[]
        {
            $"Update change {change.Metadata.ResourceVersion}->{changed.Metadata.ResourceVersion}",
            "Delete gone",
            $"Add new {added.Metadata.ResourceVersion}",
        }));
        Assert.That(informer.Lister.List(ns).Select(c => c.Metadata.Name), Is.EquivalentTo(new[] { "keep", "change", "new" }));
    }

    [Test]
    public async Task The_resync_period_redelivers_every_object_as_an_update()
    {
        var ns = await NamespaceAsync();
        var cm = await _agent.Admin.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), ns);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var stop = new CancellationTokenSource();
        var informer = new SharedInformer<V1ConfigMap>(_agent.ControllerManager, new InformerOptions(Namespace: ns, ResyncPeriod: TimeSpan.FromMinutes(1)), NullLogger.Instance, time);
        var recorder = new Recorder<V1ConfigMap>();
        informer.AddEventHandler(recorder);
        var running = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync(CancellationToken.None);
        await recorder.WaitAsync(c => c.Count == 1, "the initial add");

        time.Advance(TimeSpan.FromSeconds(59));
        await Task.Delay(200);
        Assert.That(recorder.Calls, Has.Count.EqualTo(1), "not before the period");
        time.Advance(TimeSpan.FromSeconds(2));
        await recorder.WaitAsync(c => c.Count == 2, "a resync");
        Assert.That(recorder.Calls[1], Is.EqualTo($"Update a {cm.Metadata.ResourceVersion}->{cm.Metadata.ResourceVersion}"));

        await stop.CancelAsync();
        await running;
    }

    [Test]
    public async Task A_throwing_handler_is_retried_and_does_not_stop_the_informer()
    {
        var ns = await NamespaceAsync();
        await using var factory = _agent.CreateInformerFactory();
        var informer = factory.GetInformer<V1ConfigMap>(new InformerOptions(Namespace: ns));
        var attempts = 0;
        var recorder = new Recorder<V1ConfigMap>();
        informer.AddEventHandler(new ResourceEventHandler<V1ConfigMap>(onAdd: (o, _) =>
        {
            if (o.Metadata.Name == "flaky" && Interlocked.Increment(ref attempts) < 3)
            {
                throw new InvalidOperationException("handler bug");
            }

            recorder.OnAdd(o, false);
        }));
        factory.Start();
        await informer.WaitForSyncAsync(CancellationToken.None);

        await _agent.Admin.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("flaky"), ns);
        await _agent.Admin.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("after"), ns);
        await recorder.WaitAsync(c => c.Count == 2, "both adds");
        Assert.That(attempts, Is.EqualTo(3));
        Assert.That(recorder.Calls.Select(c => c.Split(' ')[1]), Is.EqualTo(new[] { "flaky", "after" }), "order kept across the retries");
    }

    internal static V1ConfigMap ConfigMap(string name) => new() { Metadata = new V1ObjectMeta { Name = name } };

    internal static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!condition())
        {
            if (timeout.IsCancellationRequested)
            {
                Assert.Fail($"timed out waiting for {what}");
            }

            await Task.Delay(10);
        }
    }

    private async Task<string> NamespaceAsync()
    {
        var name = "t-" + Guid.NewGuid().ToString("N")[..10];
        await _agent.Admin.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } });
        return name;
    }

    // Writes keep the revision moving until an exact read at the informer's revision answers 410.
    private async Task WaitForCompactionAsync(string ns, string resourceVersion)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        for (var i = 0; ; i++)
        {
            try
            {
                await _agent.Admin.CoreV1.ListNamespacedConfigMapAsync(ns, resourceVersion: resourceVersion, resourceVersionMatch: "Exact", cancellationToken: timeout.Token);
            }
            catch (k8s.Autorest.HttpOperationException e) when ((int)e.Response.StatusCode == 410)
            {
                return;
            }

            await _agent.Admin.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap($"tick-{i}"), "default", cancellationToken: timeout.Token);
            await Task.Delay(200, timeout.Token);
        }
    }
}
