using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LocalKube.Dashboard.Tests.Browser;

/// <summary>YAML edit with a local parse and a server dry run before apply; create from multi-document YAML.</summary>
[TestFixture]
[Category("Dashboard")]
public sealed class YamlTests
{
    private LocalCluster _cluster = null!;
    private string _ns = "";

    [OneTimeSetUp]
    public async Task Cluster()
    {
        _cluster = await LocalCluster.SharedAsync();
        _ns = "yaml-" + Guid.NewGuid().ToString("N")[..5];
        await _cluster.CreateNamespaceAsync(_ns);
    }

    [Test]
    public async Task EditConfigMap_ReviewShowsTheDiff_ApplyChangesIt()
    {
        await _cluster.KubectlAsync("create", "configmap", "settings", "-n", _ns, "--from-literal=greeting=hello");
        var (context, page) = await DashboardPage.OpenAsync(_cluster.DashboardUrl, $"/configmaps/{_ns}/settings?tab=yaml");
        await using (context)
        {
            var editor = page.Locator(".cm-content");
            await Expect(editor).ToContainTextAsync("greeting: hello");
            Assert.That(await editor.InnerTextAsync(), Does.Not.Contain("managedFields"), "managedFields are hidden by default");
            var yaml = (await EditorTextAsync(page)).Replace("greeting: hello", "greeting: bonjour", StringComparison.Ordinal);
            await editor.FillAsync(yaml);
            await page.GetByTestId("yaml-review").ClickAsync();
            await Expect(page.GetByTestId("yaml-diff")).ToContainTextAsync("+ greeting: bonjour");
            Assert.That(await _cluster.KubectlAsync("get", "configmap", "settings", "-n", _ns, "-o", "jsonpath={.data.greeting}"), Is.EqualTo("hello"), "review is a dry run");
            await page.GetByTestId("yaml-apply").ClickAsync();
            await Expect(page.GetByTestId("yaml-applied")).ToContainTextAsync("Applied");
            Assert.That(await _cluster.KubectlAsync("get", "configmap", "settings", "-n", _ns, "-o", "jsonpath={.data.greeting}"), Is.EqualTo("bonjour"));
        }
    }

    [Test]
    public async Task Apply_AnsweredBeforeTheWatchSeesIt_StaysApplied()
    {
        // The PUT's answer and the watch event of the same change race to the page (either may come first). Here the
        // watch is held back until the answer is in: the page must not take its older live object for a change on
        // the server (it reloaded at once and the "Applied" notice vanished: the test above failed 1 to 2 runs in 6).
        await _cluster.KubectlAsync("create", "configmap", "lagging", "-n", _ns, "--from-literal=greeting=hello");
        var (context, page) = await DashboardPage.OpenAsync(_cluster.DashboardUrl, "/");
        await using (context)
        {
            var held = new List<IWebSocketFrame>();
            var hold = false;
            IWebSocketRoute? toPage = null;
            await page.RouteWebSocketAsync("**/api/watch", ws =>
            {
                toPage = ws;
                var server = ws.ConnectToServer();
                server.OnMessage(frame =>
                {
                    lock (held)
                    {
                        if (hold)
                        {
                            held.Add(frame);
                        }
                        else
                        {
                            Forward(ws, frame);
                        }
                    }
                });
            });
            await page.GotoAsync(new Uri(_cluster.BaseUrl, $"/configmaps/{_ns}/lagging?tab=yaml").ToString());
            var editor = page.Locator(".cm-content");
            await Expect(editor).ToContainTextAsync("greeting: hello");
            await editor.FillAsync((await EditorTextAsync(page)).Replace("greeting: hello", "greeting: bonjour", StringComparison.Ordinal));
            await page.GetByTestId("yaml-review").ClickAsync();
            await Expect(page.GetByTestId("yaml-diff")).ToContainTextAsync("+ greeting: bonjour");

            var reads = 0;
            page.Request += (_, request) => reads += request.Method == "GET" && request.Url.EndsWith($"/configmaps/lagging", StringComparison.Ordinal) ? 1 : 0;
            lock (held)
            {
                hold = true;
            }

            var put = page.WaitForResponseAsync(r => r.Request.Method == "PUT" && r.Url.Contains("/configmaps/lagging?", StringComparison.Ordinal));
            await page.GetByTestId("yaml-apply").ClickAsync();
            Assert.That((await put).Status, Is.EqualTo(200));
            await Expect(page.GetByTestId("yaml-applied")).ToContainTextAsync("Applied");
            await page.WaitForTimeoutAsync(500);
            Assert.That(await page.GetByTestId("yaml-applied").IsVisibleAsync(), Is.True, "still applied while the watch lags");

            // Now the watch catches up with the change the page made itself: still applied, nothing read again.
            Assert.That(() => { lock (held) { return held.Any(f => f.Text?.Contains("bonjour", StringComparison.Ordinal) == true); } }, Is.True.After(5000, 50), "the held frames carry the change");
            lock (held)
            {
                hold = false;
                foreach (var frame in held)
                {
                    Forward(toPage!, frame);
                }
            }

            await page.WaitForTimeoutAsync(500);
            Assert.That(await page.GetByTestId("yaml-applied").IsVisibleAsync(), Is.True, "still applied once the watch caught up");
            Assert.That(reads, Is.Zero, "the page did not reload an object it had just written");
        }
    }

    [Test]
    public async Task InvalidYaml_ShowsTheLine_AndSendsNothing()
    {
        await _cluster.KubectlAsync("create", "configmap", "broken", "-n", _ns, "--from-literal=a=1");
        var (context, page) = await DashboardPage.OpenAsync(_cluster.DashboardUrl, $"/configmaps/{_ns}/broken?tab=yaml");
        await using (context)
        {
            await Expect(page.Locator(".cm-content")).ToContainTextAsync("a: \"1\"");
            var writes = 0;
            page.Request += (_, request) => writes += request.Method is "PUT" or "POST" or "PATCH" && request.Url.Contains("/api/k8s/", StringComparison.Ordinal) ? 1 : 0;
            var text = await EditorTextAsync(page);
            var broken = text.Replace("a: \"1\"", "a: [1, 2", StringComparison.Ordinal);
            var line = broken.Split('\n').ToList().FindIndex(l => l.Contains("a: [1, 2", StringComparison.Ordinal)) + 1;
            await page.Locator(".cm-content").FillAsync(broken);
            await page.GetByTestId("yaml-review").ClickAsync();
            var errors = page.GetByTestId("yaml-errors");
            await Expect(errors).ToContainTextAsync("nothing was sent");
            await Expect(errors).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"Line \d+, column \d+"));
            var reported = int.Parse(System.Text.RegularExpressions.Regex.Match(await errors.InnerTextAsync(), @"Line (\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.That(reported, Is.InRange(line, line + 1), "the error points at the broken flow sequence");
            await Expect(page.Locator(".cm-lint-marker-error")).ToHaveCountAsync(1);
            Assert.That(writes, Is.Zero, "nothing was sent to the API server");
        }
    }

    [Test]
    public async Task ServerValidationErrors_AreShownAgainstTheirFields()
    {
        await _cluster.KubectlAsync("create", "deployment", "strict", "--image=nginx:1.27", "-n", _ns);
        var (context, page) = await DashboardPage.OpenAsync(_cluster.DashboardUrl, $"/deployments/{_ns}/strict?tab=yaml");
        await using (context)
        {
            await Expect(page.Locator(".cm-content")).ToContainTextAsync("replicas: 1");
            var text = (await EditorTextAsync(page)).Replace("  replicas: 1\n", "  replicas: -1\n", StringComparison.Ordinal);
            await page.Locator(".cm-content").FillAsync(text);
            await page.GetByTestId("yaml-review").ClickAsync();
            var errors = page.GetByTestId("yaml-errors");
            await Expect(errors).ToContainTextAsync("is invalid");
            await Expect(errors.Locator("li")).ToContainTextAsync(["spec.replicas: "]);
            // The cause is marked on the line of spec.replicas.
            var line = text.Split('\n').ToList().FindIndex(l => l == "  replicas: -1") + 1;
            await Expect(page.Locator(".cm-lint-marker-error")).ToHaveCountAsync(1);
            var marked = await page.Locator(".cm-gutter-lint .cm-gutterElement").Filter(new() { Has = page.Locator(".cm-lint-marker-error") }).BoundingBoxAsync();
            var target = await page.Locator(".cm-line").Nth(line - 1).BoundingBoxAsync();
            Assert.That(marked!.Y, Is.EqualTo(target!.Y).Within(3), "the marker sits on the replicas line");
            Assert.That(await _cluster.KubectlAsync("get", "deployment", "strict", "-n", _ns, "-o", "jsonpath={.spec.replicas}"), Is.EqualTo("1"));
        }
    }

    [Test]
    public async Task CreateFromMultiDocumentYaml_DryRunThenCreate()
    {
        var (context, page) = await DashboardPage.OpenAsync(_cluster.DashboardUrl, $"/create?ns={_ns}");
        await using (context)
        {
            var yaml = """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: from-ui
                data:
                  k: v
                ---
                apiVersion: v1
                kind: Secret
                metadata:
                  name: from-ui
                stringData:
                  password: s3cret
                """;
            await page.Locator(".cm-content").FillAsync(yaml);
            await page.GetByTestId("create-dry-run").ClickAsync();
            var results = page.GetByTestId("create-results");
            await Expect(results).ToContainTextAsync("configmap/from-ui would be created (server dry run)");
            await Expect(results).ToContainTextAsync("secret/from-ui would be created");
            Assert.That(await _cluster.KubectlAsync("get", "configmap,secret", "-n", _ns, "-o", "name", "--field-selector", "metadata.name=from-ui"), Is.Empty);
            await page.GetByTestId("create-submit").ClickAsync();
            await Expect(results).ToContainTextAsync("configmap/from-ui created");
            await Expect(results).ToContainTextAsync("secret/from-ui created");
            Assert.That(await _cluster.KubectlAsync("get", "secret", "from-ui", "-n", _ns, "-o", "jsonpath={.data.password}"), Is.EqualTo("czNjcmV0"));
        }
    }

    private static void Forward(IWebSocketRoute toPage, IWebSocketFrame frame)
    {
        if (frame.Text is { } text)
        {
            toPage.Send(text);
        }
        else
        {
            toPage.Send(frame.Binary ?? []);
        }
    }

    private static async Task<string> EditorTextAsync(IPage page) =>
        await page.Locator(".cm-content").EvaluateAsync<string>("el => el.cmView ? el.cmView.view.state.doc.toString() : [...el.querySelectorAll('.cm-line')].map(l => l.textContent).join('\\n')");
}
