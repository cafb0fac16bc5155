using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LocalKube.Dashboard.Tests.Browser;

/// <summary>Lists are live (one WebSocket, no reload, no polling) and print kubectl's columns.</summary>
[TestFixture]
[Category("Dashboard")]
public sealed class LiveListTests
{
    private LocalCluster _cluster = null!;

    [OneTimeSetUp]
    public async Task Cluster() => _cluster = await LocalCluster.SharedAsync();

    [Test]
    public async Task PodCreatedWithKubectl_AppearsWithoutReload_WithKubectlsColumns()
    {
        var ns = "live-" + Guid.NewGuid().ToString("N")[..5];
        await _cluster.CreateNamespaceAsync(ns);
        var (context, page) = await DashboardPage.OpenAsync(_cluster.DashboardUrl, $"/pods?ns={ns}");
        await using (context)
        {
            await DashboardPage.WaitForListAsync(page);
            var navigations = 0;
            var sockets = 0;
            var lists = 0;
            page.FrameNavigated += (_, _) => navigations++;
            page.WebSocket += (_, _) => sockets++;
            page.Request += (_, request) => lists += request.Url.Contains("/api/k8s/", StringComparison.Ordinal) && request.Url.Contains("/pods", StringComparison.Ordinal) ? 1 : 0;

            var created = Stopwatch.StartNew();
            await _cluster.KubectlAsync("run", "web-1", "--image=nginx:1.27", "-n", ns);
            var row = page.Locator("tr[data-name='web-1']");
            await Expect(row).ToBeVisibleAsync(new() { Timeout = 10_000 });
            TestContext.Progress.WriteLine($"pod visible {created.ElapsedMilliseconds} ms after kubectl run started");

            Assert.That(navigations, Is.Zero, "no reload");
            Assert.That(sockets, Is.Zero, "no new WebSocket: the page's one socket carried the event");
            Assert.That(lists, Is.Zero, "no list request: nothing polls");

            // The server's Table columns, as kubectl get pods prints them.
            var kubectl = (await _cluster.KubectlAsync("get", "pods", "-n", ns)).Split('\n')[0];
            var headers = await page.Locator("table.data thead th").AllInnerTextsAsync();
            Assert.That(headers.Select(h => h.Trim().ToUpperInvariant()), Is.EqualTo(Regex.Split(kubectl.Trim(), @"\s{2,}")));
            // The kubelet (simulated runtime) runs it meanwhile: whichever state it shows is the server's text.
            await Expect(row.Locator("td").Nth(2)).ToHaveTextAsync(new Regex("^(Pending|ContainerCreating|Running)$"));
            await Expect(row.Locator("td").Nth(4)).ToHaveTextAsync(new Regex(@"^\d+s$"));

            // Deleted with kubectl: gone without a reload too.
            await _cluster.KubectlAsync("delete", "pod", "web-1", "-n", ns, "--wait=false");
            await Expect(row).ToHaveCountAsync(0, new() { Timeout = 10_000 });
        }
    }

    [Test]
    public async Task FilterSortAndUrlState()
    {
        var ns = "filter-" + Guid.NewGuid().ToString("N")[..5];
        await _cluster.CreateNamespaceAsync(ns);
        foreach (var name in new[] { "alpha", "beta", "gamma" })
        {
            await _cluster.KubectlAsync("create", "configmap", name, "-n", ns, $"--from-literal=k={name}");
        }

        var (context, page) = await DashboardPage.OpenAsync(_cluster.DashboardUrl, $"/configmaps?ns={ns}");
        await using (context)
        {
            await DashboardPage.WaitForListAsync(page);
            await Expect(page.Locator("tr[data-name='gamma']")).ToBeVisibleAsync();

            // "/" focuses the filter; the filter lives in the URL, so the view deep-links.
            await page.Locator("main h1").ClickAsync();
            await page.Keyboard.PressAsync("/");
            await page.Keyboard.TypeAsync("beta");
            await Expect(page.Locator("tr[data-name='alpha']")).ToHaveCountAsync(0);
            await Expect(page.Locator("tr[data-name='beta']")).ToBeVisibleAsync();
            Assert.That(page.Url, Does.Contain("q=beta"));

            await page.GetByLabel("Filter").FillAsync("");
            var name = page.Locator("thead th button", new() { HasText = "Name" });
            await name.ClickAsync();
            await name.ClickAsync();
            await Expect(page.Locator("thead th[aria-sort='descending']")).ToHaveCountAsync(1);
            var order = (await page.Locator("tbody tr[data-name]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.name)"))
                .Where(n => n is "alpha" or "beta" or "gamma").ToList();
            Assert.That(order, Is.EqualTo(new[] { "gamma", "beta", "alpha" }));
            Assert.That(page.Url, Does.Contain("sort=Name%3Adesc").Or.Contain("sort=Name:desc"));
        }
    }
}
