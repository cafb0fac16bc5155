using System.Diagnostics;
using System.Text;
using static Microsoft.Playwright.Assertions;

namespace LocalKube.Dashboard.Tests.Browser;

/// <summary>5,000 pods in one namespace: the list renders them virtualised and stays responsive (timings go to bench/).</summary>
[TestFixture]
[Category("Dashboard")]
public sealed class ScaleTests
{
    private const int Pods = 5000;
    private LocalCluster _cluster = null!;

    [OneTimeSetUp]
    public async Task Cluster() => _cluster = await LocalCluster.SharedAsync();

    [Test]
    public async Task FiveThousandPods_ListIsVirtualisedAndResponsive()
    {
        var ns = "scale-" + Guid.NewGuid().ToString("N")[..5];
        await _cluster.CreateNamespaceAsync(ns);
        var created = Stopwatch.StartNew();
        await CreatePodsAsync(ns, Pods);
        TestContext.Progress.WriteLine($"created {Pods} pods in {created.Elapsed.TotalSeconds:0.0} s");

        var (context, page) = await DashboardPage.OpenAsync(_cluster.DashboardUrl);
        await using (context)
        {
            var shown = Stopwatch.StartNew();
            await page.GotoAsync(new Uri(_cluster.BaseUrl, $"/pods?ns={ns}").ToString());
            await Expect(page.GetByTestId("row-count")).ToHaveTextAsync(Pods.ToString(System.Globalization.CultureInfo.InvariantCulture), new() { Timeout = 60_000 });
            await Expect(page.Locator("tbody tr[data-name]").First).ToBeVisibleAsync();
            TestContext.Progress.WriteLine($"{Pods} pods listed and rendered {shown.ElapsedMilliseconds} ms after navigation");

            var rendered = await page.Locator("tbody tr[data-name]").CountAsync();
            Assert.That(rendered, Is.InRange(1, 120), "rows are virtualised: only what is on screen (plus overscan) is in the DOM");

            // Scrolling to the end brings the last rows in; sorting and filtering 5,000 rows answer promptly.
            await page.Locator(".table-wrap").EvaluateAsync("el => el.scrollTop = el.scrollHeight");
            await Expect(page.Locator("tr[data-name='load-04999']")).ToBeVisibleAsync();
            var filter = Stopwatch.StartNew();
            await page.GetByLabel("Filter").FillAsync("load-03333");
            await Expect(page.GetByTestId("row-count")).ToHaveTextAsync($"1 of {Pods}");
            TestContext.Progress.WriteLine($"filter answered in {filter.ElapsedMilliseconds} ms");

            // Still live at this size.
            await _cluster.KubectlAsync("run", "late-arrival", "--image=nginx:1.27", "-n", ns);
            await page.GetByLabel("Filter").FillAsync("late");
            await Expect(page.Locator("tr[data-name='late-arrival']")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        }

        // Leave the shared cluster light for the fixtures after this one.
        await _cluster.KubectlAsync("delete", "namespace", ns, "--wait=false");
    }

    /// <summary>
    /// Creates pods fast: 16 requests at a time, straight to the API server. They name a scheduler that does not run,
    /// so they stay Pending: the list is the subject, not 5,000 pods churning through the scheduler and the kubelet.
    /// </summary>
    internal static async Task CreatePodsAsync(LocalCluster cluster, string ns, int count)
    {
        using var gate = new SemaphoreSlim(16);
        var tasks = Enumerable.Range(0, count).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                var body = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"load-" + i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture)
                    + "\",\"labels\":{\"app\":\"load\"}},\"spec\":{\"schedulerName\":\"unscheduled\",\"containers\":[{\"name\":\"app\",\"image\":\"nginx:1.27\"}]}}";
                using var content = new StringContent(body, Encoding.UTF8, "application/json");
                using var response = await cluster.Api.Http.PostAsync(new Uri($"/api/v1/namespaces/{ns}/pods", UriKind.Relative), content);
                if (!response.IsSuccessStatusCode)
                {
                    Assert.Fail($"creating pod {i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
            }
            finally
            {
                gate.Release();
            }
        });
        await Task.WhenAll(tasks);
    }

    private Task CreatePodsAsync(string ns, int count) => CreatePodsAsync(_cluster, ns, count);
}
