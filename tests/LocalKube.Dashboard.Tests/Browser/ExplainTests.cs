using System.Text.Json.Nodes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LocalKube.Dashboard.Tests.Browser;

/// <summary>
/// "Why isn't it running?" on real pods whose status the test writes through the API (as a kubelet and a
/// scheduler would): a missing image, an unschedulable pod, a crash loop, and a Deployment rolling them up.
/// Also the overview's failing tile and the screenshots of the overview and of a pod page.
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
        await CreatePodAsync("api-7d9f", image, nodeName: _node);
        await SetStatusAsync("api-7d9f", Running(waiting: ("ImagePullBackOff", $"Back-off pulling image \"{image}\"")));

        var (context, page) = await DashboardPage.OpenAsync(_cluster.DashboardUrl, $"/?ns={_ns}");
        await using (context)
        {
            await Expect(page.GetByTestId("tile-pods")).ToContainTextAsync("1 failing");
            await page.GetByTestId("failing-link").ClickAsync();
            await Expect(page.Locator("tr[data-name='api-7d9f']")).ToBeVisibleAsync();
            await Expect(page.Locator("tr[data-name='api-7d9f'] [data-tone='bad']")).ToHaveTextAsync("ImagePullBackOff");
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
        await SetStatusAsync("hungry", new JsonObject
        {
            ["phase"] = "Pending",
            ["conditions"] = new JsonArray(new JsonObject
            {
                ["type"] = "PodScheduled", ["status"] = "False", ["reason"] = "Unschedulable",
                ["message"] = "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
            }),
        });
        var allocatable = (await _cluster.KubectlAsync("get", "node", _node, "-o", "jsonpath={.status.allocatable.cpu}")).Trim();

        var (context, page) = await DashboardPage.OpenAsync(_cluster.DashboardUrl, $"/pods/{_ns}/hungry");
        await using (context)
        {
            var why = page.GetByTestId("explain");
            await Expect(why.GetByTestId("explain-headline")).ToContainTextAsync($"Not enough CPU: the pod requests 64 CPU, node {_node} has");
            await Expect(why).ToContainTextAsync($"{allocatable} allocatable");
            await Expect(why).ToContainTextAsync("short by");
            await Expect(why).ToContainTextAsync("Scheduler: 0/1 nodes are available: 1 Insufficient cpu.");
        }
    }

    [Test]
    public async Task CrashLoop_ShowsTheExitCodeAndRestarts()
    {
        await CreatePodAsync("crashy", "demo/crashy:1", nodeName: _node);
        var status = Running(waiting: ("CrashLoopBackOff", "back-off 5m0s restarting failed container=app pod=crashy"));
        var container = (JsonObject)status["containerStatuses"]![0]!;
        container["restartCount"] = 6;
        container["lastState"] = new JsonObject
        {
            ["terminated"] = new JsonObject
            {
                ["exitCode"] = 127, ["reason"] = "Error",
                ["startedAt"] = DateTime.UtcNow.AddSeconds(-75).ToString("yyyy-MM-ddTHH:mm:ssZ"),
                ["finishedAt"] = DateTime.UtcNow.AddSeconds(-73).ToString("yyyy-MM-ddTHH:mm:ssZ"),
            },
        };
        await SetStatusAsync("crashy", status);

        var (context, page) = await DashboardPage.OpenAsync(_cluster.DashboardUrl, $"/pods/{_ns}/crashy");
        await using (context)
        {
            var why = page.GetByTestId("explain");
            await Expect(why.GetByTestId("explain-headline")).ToHaveTextAsync("Container app keeps crashing: it exited with code 127 (Error), restarted 6 times.");
            await Expect(why).ToContainTextAsync("The command was not found in the image");
            await Expect(why).ToContainTextAsync($"kubectl logs -n {_ns} crashy -c app --previous");
            // The list's STATUS column is the server's, as kubectl prints it.
            await page.GotoAsync(new Uri(_cluster.BaseUrl, $"/pods?ns={_ns}").ToString());
            await Expect(page.Locator("tr[data-name='crashy'] [data-tone='bad']")).ToHaveTextAsync("CrashLoopBackOff");
        }
    }

    [Test]
    public async Task Deployment_RollsUpItsPods()
    {
        await _cluster.KubectlAsync("create", "deployment", "shop", "--image=registry.invalid/shop:1", "--replicas=2", "-n", _ns);
        foreach (var name in new[] { "shop-a1", "shop-b2" })
        {
            await CreatePodAsync(name, "registry.invalid/shop:1", nodeName: _node, labels: new JsonObject { ["app"] = "shop" });
            await SetStatusAsync(name, Running(waiting: ("ErrImagePull", "pull access denied")));
        }

        var (context, page) = await DashboardPage.OpenAsync(_cluster.DashboardUrl, $"/deployments/{_ns}/shop");
        await using (context)
        {
            var why = page.GetByTestId("explain");
            await Expect(why.GetByTestId("explain-headline")).ToHaveTextAsync("2 of 2 pods: Cannot pull image \"registry.invalid/shop:1\" for container app.");
            await Expect(why).ToContainTextAsync("No controller has acted on this Deployment yet");
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

    private async Task CreatePodAsync(string name, string image, string? nodeName = null, string? cpu = null, JsonObject? labels = null)
    {
        var container = new JsonObject { ["name"] = "app", ["image"] = image };
        if (cpu is not null)
        {
            container["resources"] = new JsonObject { ["requests"] = new JsonObject { ["cpu"] = cpu } };
        }

        var spec = new JsonObject { ["containers"] = new JsonArray(container) };
        if (nodeName is not null)
        {
            spec["nodeName"] = nodeName;
        }

        var pod = new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = labels ?? new JsonObject { ["run"] = name } },
            ["spec"] = spec,
        };
        (await _cluster.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{_ns}/pods", pod.ToJsonString())).Dispose();
    }

    /// <summary>Writes pod status as a kubelet would (PATCH of the status subresource).</summary>
    private async Task SetStatusAsync(string name, JsonObject status) =>
        (await _cluster.SendAsync(HttpMethod.Patch, $"/api/v1/namespaces/{_ns}/pods/{name}/status",
            new JsonObject { ["status"] = status }.ToJsonString(), "application/merge-patch+json")).Dispose();

    private static JsonObject Running((string Reason, string Message) waiting) => new()
    {
        ["phase"] = "Pending",
        ["conditions"] = new JsonArray(
            new JsonObject { ["type"] = "PodScheduled", ["status"] = "True" },
            new JsonObject { ["type"] = "Ready", ["status"] = "False", ["reason"] = "ContainersNotReady" }),
        ["containerStatuses"] = new JsonArray(new JsonObject
        {
            ["name"] = "app", ["ready"] = false, ["restartCount"] = 0, ["image"] = "registry.invalid/placeholder", ["imageID"] = "",
            ["state"] = new JsonObject { ["waiting"] = new JsonObject { ["reason"] = waiting.Reason, ["message"] = waiting.Message } },
        }),
    };
}
