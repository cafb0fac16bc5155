using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LocalKube.Dashboard.Tests.Browser;

/// <summary>
/// A pod's log through the real agent (the kubelet's log files, served by the API server's <c>pods/log</c>): the
/// simulated runtime writes a line every half second, and the open Logs tab shows new ones without a reload. The same
/// view against a scripted API (container picker, previous, timestamps, search, download) is in StreamingUiTests.
/// </summary>
[TestFixture]
[Category("Dashboard")]
public sealed class PodLogsTests
{
    private LocalCluster _cluster = null!;

    [OneTimeSetUp]
    public async Task Cluster() => _cluster = await LocalCluster.SharedAsync();

    [Test]
    public async Task Logs_ShowNewLinesAsTheContainerWritesThem()
    {
        var ns = "logs-" + Guid.NewGuid().ToString("N")[..5];
        await _cluster.CreateNamespaceAsync(ns);
        (await _cluster.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/pods", new
        {
            apiVersion = "v1",
            kind = "Pod",
            metadata = new { name = "chatty", annotations = new Dictionary<string, string> { ["simulated.localkube.io/log-interval"] = "500ms" } },
            spec = new { containers = new[] { new { name = "app", image = "demo/chatty:1" } } },
        })).Dispose();
        await _cluster.KubectlAsync("wait", "--for=condition=Ready", "pod/chatty", "-n", ns, "--timeout=60s");

        var (context, page) = await DashboardPage.OpenAsync(_cluster.DashboardUrl, $"/pods/{ns}/chatty?tab=logs");
        await using (context)
        {
            var log = page.GetByTestId("log-view");
            await Expect(log).ToContainTextAsync("simulated log line", new() { Timeout = 20_000 });
            var first = LastLine(await log.InnerTextAsync());

            // Follow: a later line arrives on the open page (the stream stays open; nothing reloads).
            await Expect(log).ToContainTextAsync($"simulated log line {first + 2}", new() { Timeout = 20_000 });
            var kubectl = await _cluster.KubectlAsync("logs", "chatty", "-n", ns);
            Assert.That(kubectl, Does.Contain($"simulated log line {first + 2}"), "the page shows what kubectl logs shows");
            await Chromium.ScreenshotAsync(page, "pod-logs");
        }

        await _cluster.KubectlAsync("delete", "namespace", ns, "--wait=false");
    }

    private static int LastLine(string text) =>
        Regex.Matches(text, @"simulated log line (\d+)").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).Max();
}
