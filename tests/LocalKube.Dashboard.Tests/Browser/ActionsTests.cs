using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LocalKube.Dashboard.Tests.Browser;

/// <summary>Scale, restart, delete, CronJob suspend and run-now, cordon, rollout undo: each checked with kubectl.</summary>
[TestFixture]
[Category("Dashboard")]
public sealed class ActionsTests
{
    private LocalCluster _cluster = null!;
    private string _ns = "";

    [OneTimeSetUp]
    public async Task Cluster()
    {
        _cluster = await LocalCluster.SharedAsync();
        _ns = "actions-" + Guid.NewGuid().ToString("N")[..5];
        await _cluster.CreateNamespaceAsync(_ns);
    }

    [Test]
    public async Task ScaleDeployment_KubectlSeesTheNewReplicaCount()
    {
        await _cluster.KubectlAsync("create", "deployment", "web", "--image=nginx:1.27", "--replicas=1", "-n", _ns);
        var (context, page) = await DashboardPage.OpenAsync(_cluster.DashboardUrl, $"/deployments/{_ns}/web");
        await using (context)
        {
            await Expect(page.GetByTestId("replicas")).ToContainTextAsync("1 desired");
            await page.GetByLabel("Replicas", new() { Exact = true }).FillAsync("3");
            await page.GetByRole(AriaRole.Button, new() { Name = "Scale", Exact = true }).ClickAsync();
            await Expect(page.GetByTestId("action-result")).ToContainTextAsync("Scaled to 3");
            await Expect(page.GetByTestId("action-result")).ToContainTextAsync($"kubectl scale deployment/web --replicas=3 -n {_ns}");
            Assert.That(await _cluster.KubectlAsync("get", "deployment", "web", "-n", _ns, "-o", "jsonpath={.spec.replicas}"), Is.EqualTo("3"));
            await Expect(page.GetByTestId("replicas")).ToContainTextAsync("3 desired");

            await page.GetByRole(AriaRole.Button, new() { Name = "Scale down by one" }).ClickAsync();
            await Expect(page.GetByTestId("replicas")).ToContainTextAsync("2 desired");
            Assert.That(await _cluster.KubectlAsync("get", "deployment", "web", "-n", _ns, "-o", "jsonpath={.spec.replicas}"), Is.EqualTo("2"));

            // Restart is kubectl rollout restart: the template's restartedAt annotation.
            await page.GetByRole(AriaRole.Button, new() { Name = "Restart" }).ClickAsync();
            await Expect(page.GetByTestId("action-result")).ToContainTextAsync("Restarted");
            var restartedAt = await _cluster.KubectlAsync("get", "deployment", "web", "-n", _ns, "-o", "jsonpath={.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}");
            Assert.That(DateTimeOffset.TryParse(restartedAt, out _), Is.True, restartedAt);

            // Delete asks first; Cancel keeps it.
            await page.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Dialog)).ToContainTextAsync("Delete Deployment web?");
            await page.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
            Assert.That(await _cluster.KubectlAsync("get", "deployment", "web", "-n", _ns, "-o", "name"), Is.EqualTo("deployment.apps/web"));
            await page.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
            await page.GetByTestId("confirm").ClickAsync();
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/deployments$"));
            Assert.That(await _cluster.KubectlAsync("get", "deployment", "web", "-n", _ns, "-o", "name", "--ignore-not-found"), Is.Empty);
        }
    }

    [Test]
    public async Task CronJob_SuspendAndRunNow()
    {
        await _cluster.KubectlAsync("create", "cronjob", "nightly", "--image=busybox", "--schedule=0 3 * * *", "-n", _ns, "--", "date");
        var (context, page) = await DashboardPage.OpenAsync(_cluster.DashboardUrl, $"/cronjobs/{_ns}/nightly");
        await using (context)
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Suspend" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Resume" })).ToBeVisibleAsync();
            Assert.That(await _cluster.KubectlAsync("get", "cronjob", "nightly", "-n", _ns, "-o", "jsonpath={.spec.suspend}"), Is.EqualTo("true"));

            await page.GetByRole(AriaRole.Button, new() { Name = "Run now" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/jobs/{_ns}/nightly-manual-"));
            var owner = await _cluster.KubectlAsync("get", "jobs", "-n", _ns, "-o", "jsonpath={.items[0].metadata.ownerReferences[0].kind}/{.items[0].metadata.ownerReferences[0].name} {.items[0].metadata.annotations.cronjob\\.kubernetes\\.io/instantiate}");
            Assert.That(owner, Is.EqualTo("CronJob/nightly manual"));
        }
    }

    [Test]
    public async Task Node_CordonAndUncordon()
    {
        var node = (await _cluster.KubectlAsync("get", "nodes", "-o", "jsonpath={.items[0].metadata.name}")).Trim();
        Assert.That(node, Is.Not.Empty, "the agent registers its node");
        var (context, page) = await DashboardPage.OpenAsync(_cluster.DashboardUrl, $"/nodes/_/{node}");
        await using (context)
        {
            try
            {
                await page.GetByRole(AriaRole.Button, new() { Name = "Cordon" }).ClickAsync();
                await Expect(page.Locator(".detail-head")).ToContainTextAsync("SchedulingDisabled");
                Assert.That(await _cluster.KubectlAsync("get", "node", node, "-o", "jsonpath={.spec.unschedulable}"), Is.EqualTo("true"));
                await Expect(page.GetByTestId("action-result")).ToContainTextAsync($"kubectl cordon {node}");
                await page.GetByRole(AriaRole.Button, new() { Name = "Uncordon" }).ClickAsync();
                await Expect(page.Locator(".detail-head")).Not.ToContainTextAsync("SchedulingDisabled");
                Assert.That(await _cluster.KubectlAsync("get", "node", node, "-o", "jsonpath={.spec.unschedulable}"), Is.Empty);
            }
            finally
            {
                // The node is shared: never leave it cordoned for the fixtures after this one.
                await _cluster.KubectlAsync("uncordon", node);
            }
        }
    }

    [Test]
    public async Task RolloutHistory_UndoToAChosenRevision_AsKubectlDoes()
    {
        // Two revisions made by the deployment controller: an image change with its change-cause, as 'kubectl set
        // image' plus 'kubectl annotate' would do in one write.
        await _cluster.KubectlAsync("create", "deployment", "api", "--image=demo/api:1", "-n", _ns);
        await _cluster.KubectlAsync("annotate", "deployment", "api", "-n", _ns, "kubernetes.io/change-cause=image demo/api:1");
        await WaitForReplicaSetsAsync("app=api", 1);
        (await _cluster.SendAsync(HttpMethod.Patch, $"/apis/apps/v1/namespaces/{_ns}/deployments/api",
            """{"metadata":{"annotations":{"kubernetes.io/change-cause":"image demo/api:2"}},"spec":{"template":{"spec":{"containers":[{"name":"api","image":"demo/api:2"}]}}}}""",
            "application/strategic-merge-patch+json")).Dispose();
        await WaitForReplicaSetsAsync("app=api", 2);

        var (context, page) = await DashboardPage.OpenAsync(_cluster.DashboardUrl, $"/deployments/{_ns}/api?tab=history");
        await using (context)
        {
            var table = page.Locator("table.data");
            await Expect(table).ToContainTextAsync("2 (current)");
            await Expect(table).ToContainTextAsync("image demo/api:1");
            await page.GetByRole(AriaRole.Button, new() { Name = "Diff" }).Last.ClickAsync();
            await Expect(page.Locator("section[aria-label^='Template of revision 1']")).ToContainTextAsync("- image: demo/api:1");
            await page.GetByRole(AriaRole.Button, new() { Name = "Undo to 1" }).ClickAsync();
            await Expect(page.GetByText("Rolled back to revision 1.")).ToBeVisibleAsync();
        }

        Assert.That(await _cluster.KubectlAsync("get", "deployment", "api", "-n", _ns, "-o", "jsonpath={.spec.template.spec.containers[0].image}"), Is.EqualTo("demo/api:1"));
        var labels = await _cluster.KubectlAsync("get", "deployment", "api", "-n", _ns, "-o", "jsonpath={.spec.template.metadata.labels}");
        Assert.That(labels, Does.Not.Contain("pod-template-hash"), "the hash label is dropped, as kubectl rollout undo drops it");
        Assert.That(await _cluster.KubectlAsync("get", "deployment", "api", "-n", _ns, "-o", "jsonpath={.metadata.annotations.kubernetes\\.io/change-cause}"), Is.EqualTo("image demo/api:1"));
    }

    private async Task WaitForReplicaSetsAsync(string selector, int count)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(30); ; await Task.Delay(250))
        {
            var names = await _cluster.KubectlAsync("get", "replicasets", "-n", _ns, "-l", selector, "-o", "name");
            if (names.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length >= count)
            {
                return;
            }

            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), $"{count} ReplicaSets for {selector}; have: {names}");
        }
    }
}
