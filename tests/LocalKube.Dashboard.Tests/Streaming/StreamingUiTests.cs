using System.Text.RegularExpressions;
using LocalKube.Dashboard.Upstream;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LocalKube.Dashboard.Tests.Streaming;

/// <summary>
/// The page's log, exec and port-forward handling, and the server's bridges, against <see cref="FakeApiServer"/>,
/// which can script what a real container cannot be made to do on demand (a shell's exit code, no shell at all, a
/// forbidden action). <c>Browser/StreamsOnAgentTests</c> drives the shell and port-forward against the real agent.
/// Also the 410 relist, which needs a server that expires a watch on demand.
/// </summary>
[TestFixture]
[Category("Dashboard")]
public sealed class StreamingUiTests
{
    private FakeApiServer _fake = null!;
    private DashboardServer _dashboard = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _fake = await FakeApiServer.StartAsync();
        _dashboard = await DashboardServer.StartAsync(new DashboardServerOptions
        {
            Profile = "fake",
            Upstream = new UpstreamEndpoint(_fake.Url, null, null, null),
        }, CancellationToken.None);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _dashboard.DisposeAsync();
        await _fake.DisposeAsync();
    }

    [Test]
    public async Task Logs_FollowShowsNewLines_WithContainerPickerSearchAndDownload()
    {
        var (context, page) = await DashboardPage.OpenAsync(_dashboard.Url, $"/pods/{FakeApiServer.Namespace}/{FakeApiServer.Pod}?tab=logs");
        await using (context)
        {
            var log = page.GetByTestId("log-view");
            await Expect(log).ToContainTextAsync("starting app");
            await Expect(log).ToContainTextAsync("GET /healthz 200");

            // Follow: a line written after the page opened shows up without a reload.
            await _fake.LogLines.Writer.WriteAsync("a brand new line");
            await Expect(log).ToContainTextAsync("a brand new line");
            Assert.That(_fake.LogRequests.Last(), Does.Contain("follow=true").And.Contain("container=app"));

            // Init containers are in the picker; previous and timestamps ask the API server for them.
            var picker = page.GetByLabel("Container");
            Assert.That(await picker.Locator("option").AllInnerTextsAsync(), Is.EqualTo(new[] { "setup (init)", "app", "sidecar" }));
            await page.GetByLabel("Previous").CheckAsync();
            await Expect(log).ToContainTextAsync("previous instance of app crashed");
            Assert.That(_fake.LogRequests.Last(), Does.Contain("previous=true"));
            await page.GetByLabel("Previous").UncheckAsync();
            await page.GetByLabel("Timestamps").CheckAsync();
            await Expect(log.Locator(".ts").First).ToHaveTextAsync(new Regex(@"^2026-01-01T00:00:00"));

            // Search highlights matches and steps through them with Enter.
            await page.GetByLabel("Search logs").FillAsync("listening");
            await Expect(log.Locator("mark")).ToHaveCountAsync(1);
            await Expect(page.GetByText("1/1")).ToBeVisibleAsync();

            var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Download" }).ClickAsync());
            Assert.That(download.SuggestedFilename, Is.EqualTo("web-app.log"));
            var text = await File.ReadAllTextAsync(await download.PathAsync());
            Assert.That(text, Does.Contain("listening on :8080"));
        }
    }

    [Test]
    public async Task WorkloadLogs_InterleaveThePodsLines_PrefixedByPod()
    {
        var (context, page) = await DashboardPage.OpenAsync(_dashboard.Url, $"/deployments/{FakeApiServer.Namespace}/web?tab=logs");
        await using (context)
        {
            var log = page.GetByTestId("workload-log");
            await Expect(log).ToContainTextAsync("[web] starting app");
            await _fake.LogLines.Writer.WriteAsync("from the deployment view");
            await Expect(log).ToContainTextAsync("[web] from the deployment view");
        }
    }

    [Test]
    public async Task Shell_SpeaksTheExecChannelProtocol()
    {
        var (context, page) = await DashboardPage.OpenAsync(_dashboard.Url, $"/pods/{FakeApiServer.Namespace}/{FakeApiServer.Pod}?tab=shell");
        await using (context)
        {
            await Expect(page.GetByTestId("shell-status")).ToContainTextAsync("Connected to app (v5.channel.k8s.io)");
            Assert.That(_fake.ExecQuery, Does.Contain("tty=true").And.Contain("stdin=true").And.Contain("container=app").And.Contain("command=sh"));

            // A resize message (channel 4, {"Width","Height"}) goes out when the terminal opens.
            Assert.That(() => _fake.ExecFrames.Any(f => f.Channel == 4 && Regex.IsMatch(f.Payload, @"^\{""Width"":\d+,""Height"":\d+\}$")), Is.True.After(5000, 100));

            await page.GetByTestId("terminal").ClickAsync();
            await page.Keyboard.TypeAsync("hostname");
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.Locator(".xterm-rows")).ToContainTextAsync("web", new() { Timeout = 10_000 });
            Assert.That(string.Concat(_fake.ExecFrames.Where(f => f.Channel == 0).Select(f => f.Payload)), Does.Contain("hostname\r"));

            // exit: the status on channel 3 carries the exit code, then the server closes.
            await page.Keyboard.TypeAsync("exit");
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.GetByTestId("shell-status")).ToContainTextAsync("Session ended (exit code 3)");
        }
    }

    [Test]
    public async Task Shell_WithoutAShell_SaysSoInsteadOfHanging()
    {
        var (context, page) = await DashboardPage.OpenAsync(_dashboard.Url, $"/pods/{FakeApiServer.Namespace}/{FakeApiServer.Pod}?tab=shell");
        await using (context)
        {
            await Expect(page.GetByTestId("shell-status")).ToContainTextAsync("Connected");
            await page.GetByLabel("Container").SelectOptionAsync("sidecar");
            await Expect(page.GetByTestId("shell-status")).ToContainTextAsync("No shell found (tried sh, bash)");
        }
    }

    [Test]
    public async Task PortForward_OneClickGivesALocalLinkThatAnswers()
    {
        var (context, page) = await DashboardPage.OpenAsync(_dashboard.Url, $"/pods/{FakeApiServer.Namespace}/{FakeApiServer.Pod}");
        await using (context)
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Forward a local port to pod web port 8080" }).ClickAsync();
            var link = page.GetByTestId("forward-link");
            await Expect(link).ToHaveTextAsync(new Regex(@"^http://127\.0\.0\.1:\d+/$"));
            var url = await link.InnerTextAsync();

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            Assert.That(await http.GetStringAsync(url), Is.EqualTo("hello from pod web"));
            Assert.That(await http.GetStringAsync(url), Is.EqualTo("hello from pod web"), "every connection gets its own tunnel");

            await page.GotoAsync(new Uri(_dashboard.BaseUrl, "/forwards").ToString());
            await Expect(page.Locator("table.data")).ToContainTextAsync("pod/web:8080");
            await page.GetByRole(AriaRole.Button, new() { Name = "Stop" }).ClickAsync();
            await Expect(page.GetByText("No forwards are open.")).ToBeVisibleAsync();
            Assert.ThrowsAsync<HttpRequestException>(async () => await http.GetStringAsync(url));
        }
    }

    [Test]
    public async Task ForbiddenActions_AreDisabledWithTheReason()
    {
        var (context, page) = await DashboardPage.OpenAsync(_dashboard.Url, $"/pods/{FakeApiServer.Namespace}/{FakeApiServer.Pod}");
        await using (context)
        {
            var delete = page.GetByRole(AriaRole.Button, new() { Name = "Delete" });
            await Expect(delete).ToBeDisabledAsync();
            var reason = page.Locator("[data-disabled-reason]").Filter(new() { Has = delete });
            await Expect(reason).ToHaveAttributeAsync("data-disabled-reason", new Regex("may not delete pods in namespace demo \\(no RBAC rule lets user \"dev\" delete pods\\)"));
            await reason.HoverAsync();
            await Expect(page.Locator(".tooltip").First).ToContainTextAsync("may not delete pods");
        }
    }

    [Test]
    public async Task ExpiredWatch_RelistsWithoutShowingAnEmptyList()
    {
        var (context, page) = await DashboardPage.OpenAsync(_dashboard.Url, "/configmaps?ns=demo");
        await using (context)
        {
            // Record every row count the list shows from its first data on.
            await page.EvaluateAsync("""
                () => {
                  window.__counts = [];
                  const record = () => { const n = document.querySelectorAll('tbody tr[data-name]').length; if (n > 0 || window.__counts.length > 0) window.__counts.push(n); };
                  new MutationObserver(record).observe(document.body, { childList: true, subtree: true });
                  record();
                }
                """);
            await Expect(page.Locator("tr[data-name='first']")).ToBeVisibleAsync();
            await Expect(page.Locator("tr[data-name='second']")).ToBeVisibleAsync(new() { Timeout = 15_000 });
            var counts = await page.EvaluateAsync<int[]>("() => window.__counts");
            Assert.That(counts, Has.None.EqualTo(0), "the list never went empty during the relist");
            Assert.That(_fake.ConfigMapLists, Is.EqualTo(2), "410 Gone made the dashboard list again");
        }
    }
}
