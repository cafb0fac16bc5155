using System.Text.Json.Nodes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LocalKube.Dashboard.Tests.Browser;

/// <summary>
/// "Why isn't it running?" on pods that the cluster itself brought there: the scheduler, the controllers and the
/// kubelet (on the process driver's simulated runtime, whose pulls from <c>*.invalid</c> registries fail and whose
/// containers exit as the pod's <c>simulated.localkube.io/*</c> annotations say). A missing image, an unschedulable
/// pod, a crash loop, and a Deployment rolling them up; the overview's failing tile and the screenshots of the
/// overview and of a pod page.
/// </summary>
[TestFixture]
[Category("Dashboard")]
public sealed class ExplainTests
{
    private LocalCluster _cluster = null!;
    private string _ns = "";
    private string _node = "";

    [OneTimeSetUp]
    public async Task Cluster()
    {
        _cluster = await LocalCluster.SharedAsync();
        _node = (await _cluster.KubectlAsync("get", "nodes", "-o", "jsonpath={.items[0].metadata.name}")).Trim();
    }

    // Each test in its own namespace: the overview's counts are about that test's pods only.
    [SetUp]
    public async Task Namespace()
    {
        _ns = "why-" + Guid.NewGuid().ToString("N")[..5];
        await _cluster.CreateNamespaceAsync(_ns);
    }

    [Test]
    public async Task MissingImage_NamesTheImage_AndTheOverviewLinksToIt()
    {
        const string image = "registry.invalid/team/api:v7";
        await CreatePodAsync("api-7d9f", image);

        var (context, page) = await DashboardPage.OpenAsync(_cluster.DashboardUrl, $"/?ns={_ns}");
        await using (context)
        {
            await Expect(page.GetByTestId("tile-pods")).ToContainTextAsync("1 failing", new() { Timeout = 30_000 });
            await page.GetByTestId("failing-link").ClickAsync();
            await Expect(page.Locator("tr[data-name='api-7d9f']")).ToBeVisibleAsync();
            await Expect(page.Locator("tr[data-name='api-7d9f'] [data-tone='bad']")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^(ErrImagePull|ImagePullBackOff)$"));
            await Chromium.ScreenshotAsync(page, "pods-failing");

            await page.Locator("tr[data-name='api-7d9f'] a").ClickAsync();
            var why = page.GetByTestId("explain");
            await Expect(why.GetByTestId("explain-headline")).ToHaveTextAsync($"Cannot pull image \"{image}\" for container app.");
            await Expect(why).ToContainTextAsync("load it into the cluster");
            await Expect(why).ToContainTextAsync($"localkube image load {image}");
            await Chromium.ScreenshotAsync(page, "pod");
        }
    }

    [Test]
    public async Task Unschedulable_SaysWhatIsShortAndByHowMuch()
    {
        await CreatePodAsync("hungry", "nginx:1.27", cpu: "64");
        var allocatable = (await _cluster.KubectlAsync("get", "node", _node, "-o", "jsonpath={.status.allocatable.cpu}")).Trim();

        var (context, page) = await DashboardPage.OpenAsync(_cluster.DashboardUrl, $"/pods/{_ns}/hungry");
        await using (context)
        {
            var why = page.GetByTestId("explain");
            await Expect(why.GetByTestId("explain-headline")).ToContainTextAsync($"Not enough CPU: the pod requests 64 CPU, node {_node} has", new() { Timeout = 30_000 });
            await Expect(why).ToContainTextAsync($"{allocatable} allocatable");
            await Expect(why).ToContainTextAsync("short by");
            await Expect(why).ToContainTextAsync("Scheduler: 0/1 nodes are available: 1 Insufficient cpu.");
        }
    }

    [Test]
    public async Task CrashLoop_ShowsTheExitCodeAndRestarts()
    {
        // The container exits with 127 after a moment; the kubelet restarts it with its back-off (10 s, then 20 s).
        await CreatePodAsync("crashy", "demo/crashy:1", annotations: new JsonObject
        {
            ["simulated.localkube.io/run-duration"] = "200ms",
            ["simulated.localkube.io/exit-code"] = "127",
        });

        var (context, page) = await DashboardPage.OpenAsync(_cluster.DashboardUrl, $"/pods/{_ns}/crashy");
        await using (context)
        {
            var why = page.GetByTestId("explain");
            await Expect(why.GetByTestId("explain-headline")).ToHaveTextAsync(
                new System.Text.RegularExpressions.Regex(@"^Container app keeps crashing: it exited with code 127 \(Error\), restarted (1 time|[2-9] times)\.$"),
                new() { Timeout = 60_000 });
            await Expect(why).ToContainTextAsync("The command was not found in the image");
            await Expect(why).ToContainTextAsync($"kubectl logs -n {_ns} crashy -c app --previous");
            // The list's STATUS column is the server's, as kubectl prints it.
            await page.GotoAsync(new Uri(_cluster.BaseUrl, $"/pods?ns={_ns}").ToString());
            await Expect(page.Locator("tr[data-name='crashy'] [data-tone='bad']")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^(CrashLoopBackOff|Error)$"));
        }
    }

    [Test]
    public async Task Deployment_RollsUpItsPods()
    {
        await _cluster.KubectlAsync("create", "deployment", "shop", "--image=registry.invalid/shop:1", "--replicas=2", "-n", _ns);

        var (context, page) = await DashboardPage.OpenAsync(_cluster.DashboardUrl, $"/deployments/{_ns}/shop");
        await using (context)
        {
            var why = page.GetByTestId("explain");
            await Expect(why.GetByTestId("explain-headline")).ToHaveTextAsync("2 of 2 pods: Cannot pull image \"registry.invalid/shop:1\" for container shop.", new() { Timeout = 30_000 });
        }
    }

    [Test]
    public async Task Overview_Screenshot()
    {
        var (context, page) = await DashboardPage.OpenAsync(_cluster.DashboardUrl);
        await using (context)
        {
            await Expect(page.GetByTestId("tile-pods")).Not.ToContainTextAsync("…");
            await Expect(page.GetByRole(AriaRole.Img, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Pods by state") })).ToBeVisibleAsync();
            await Chromium.ScreenshotAsync(page, "overview");
        }

        var (dark, darkPage) = await DashboardPage.OpenAsync(_cluster.DashboardUrl, colorScheme: "dark");
        await using (dark)
        {
            await Expect(darkPage.GetByTestId("tile-pods")).Not.ToContainTextAsync("…");
            var background = await darkPage.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
            Assert.That(background, Is.EqualTo("rgb(13, 17, 23)"), "the dark theme follows the OS");
            await Chromium.ScreenshotAsync(darkPage, "overview-dark");
        }
    }

    private async Task CreatePodAsync(string name, string image, string? cpu = null, JsonObject? annotations = null)
    {
        var container = new JsonObject { ["name"] = "app", ["image"] = image };
        if (cpu is not null)
        {
            container["resources"] = new JsonObject { ["requests"] = new JsonObject { ["cpu"] = cpu } };
        }

        var spec = new JsonObject { ["containers"] = new JsonArray(container) };
        var pod = new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = new JsonObject { ["run"] = name }, ["annotations"] = annotations ?? new JsonObject() },
            ["spec"] = spec,
        };
        (await _cluster.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{_ns}/pods", pod.ToJsonString())).Dispose();
    }
}
