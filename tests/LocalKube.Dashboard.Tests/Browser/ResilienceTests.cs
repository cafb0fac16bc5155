using static Microsoft.Playwright.Assertions;

namespace LocalKube.Dashboard.Tests.Browser;

/// <summary>The cluster stops while the page is open: a banner, no crash; it starts again: the page recovers by itself.</summary>
[TestFixture]
[Category("Dashboard")]
public sealed class ResilienceTests
{
    private LocalCluster _cluster = null!;

    [OneTimeSetUp]
    public async Task Cluster() => _cluster = await LocalCluster.SharedAsync();

    [Test]
    public async Task ClusterStopped_ShowsUnreachable_ThenRecoversWithoutReload()
    {
        var ns = "resilience-" + Guid.NewGuid().ToString("N")[..5];
        await _cluster.CreateNamespaceAsync(ns);
        await _cluster.KubectlAsync("run", "before", "--image=nginx:1.27", "-n", ns);
        var (context, page) = await DashboardPage.OpenAsync(_cluster.DashboardUrl, $"/pods?ns={ns}");
        await using (context)
        {
            await Expect(page.Locator("tr[data-name='before']")).ToBeVisibleAsync();
            var navigations = 0;
            page.FrameNavigated += (_, _) => navigations++;

            var (stop, stopOut, stopErr) = await _cluster.LocalKubeAsync("stop", "-p", _cluster.Profile);
            Assert.That(stop, Is.Zero, stopOut + stopErr);
            await Expect(page.GetByTestId("banner")).ToContainTextAsync("Cluster unreachable", new() { Timeout = 15_000 });
            await Expect(page.Locator("tr[data-name='before']")).ToBeVisibleAsync();

            // Meanwhile a new dashboard refuses to start on a stopped cluster, and says what to do.
            var started = System.Diagnostics.Stopwatch.StartNew();
            var (code, _, stderr) = await _cluster.LocalKubeAsync("dashboard", "--url", "--port", "0", "-p", _cluster.Profile);
            Assert.That(code, Is.EqualTo(83), stderr);
            Assert.That(stderr, Does.Contain($"localkube start -p {_cluster.Profile}"));
            TestContext.Progress.WriteLine($"dashboard on a stopped cluster failed in {started.ElapsedMilliseconds} ms");

            var (start, startOut, startErr) = await _cluster.LocalKubeAsync("start", "-p", _cluster.Profile);
            Assert.That(start, Is.Zero, startOut + startErr);
            await Expect(page.GetByTestId("banner")).ToHaveCountAsync(0, new() { Timeout = 15_000 });

            // The watches are back: a pod created now appears without a reload.
            await _cluster.KubectlAsync("run", "after", "--image=nginx:1.27", "-n", ns);
            await Expect(page.Locator("tr[data-name='after']")).ToBeVisibleAsync(new() { Timeout = 10_000 });
            await Expect(page.Locator("tr[data-name='before']")).ToBeVisibleAsync();
            Assert.That(navigations, Is.Zero, "no reload");
        }
    }
}
