namespace LocalKube.IntegrationTests;

/// <summary>
/// Workloads on a real <c>start --driver=process</c> cluster (simulated runtime): the scheduler, the controllers and
/// the kubelet run as the agent runs them for users, and kubectl's rollout verbs read their status.
/// </summary>
public sealed partial class KubectlScenarioTests
{
    [Test]
    public async Task Deployment_RollsOut_Updates_Undoes_Scales_AndCascades()
    {
        var create = await _env.KubectlAsync("create", "deployment", "roll", "--image=registry.local/web:1", "--replicas=3");
        Assert.That(create.StandardOutput, Is.EqualTo("deployment.apps/roll created\n"), create.StandardError);
        await RolloutAsync("deployment/roll");
        Assert.That((await _env.KubectlAsync("get", "deployment", "roll", "-o", "jsonpath={.status.readyReplicas}/{.status.availableReplicas}/{.status.updatedReplicas}")).StandardOutput, Is.EqualTo("3/3/3"));

        var set = await _env.KubectlAsync("set", "image", "deployment/roll", "web=registry.local/web:2");
        Assert.That(set.StandardOutput, Is.EqualTo("deployment.apps/roll image updated\n"), set.StandardError);
        await RolloutAsync("deployment/roll");
        Assert.That(await PodImagesAsync("app=roll"), Is.EqualTo("registry.local/web:2 registry.local/web:2 registry.local/web:2"));
        Assert.That((await _env.KubectlAsync("get", "rs", "-l", "app=roll", "-o", "name")).StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(2));

        var undo = await _env.KubectlAsync("rollout", "undo", "deployment/roll");
        Assert.That(undo.StandardOutput, Is.EqualTo("deployment.apps/roll rolled back\n"), undo.StandardError);
        await RolloutAsync("deployment/roll");
        Assert.That(await PodImagesAsync("app=roll"), Is.EqualTo("registry.local/web:1 registry.local/web:1 registry.local/web:1"));
        Assert.That((await _env.KubectlAsync("rollout", "history", "deployment/roll")).StandardOutput, Does.Match(@"REVISION\s+CHANGE-CAUSE\s*\n2\s+<none>\s*\n3\s+<none>"));

        var scale = await _env.KubectlAsync("scale", "deployment/roll", "--replicas=1");
        Assert.That(scale.StandardOutput, Is.EqualTo("deployment.apps/roll scaled\n"), scale.StandardError);
        var scaled = await _env.KubectlAsync("wait", "--for=jsonpath={.status.replicas}=1", "deployment/roll", "--timeout=120s");
        Assert.That(scaled.ExitCode, Is.Zero, scaled.StandardError);

        // Background cascading: the garbage collector removes the ReplicaSets, and they their pods.
        var delete = await _env.KubectlAsync("delete", "deployment", "roll");
        Assert.That(delete.StandardOutput, Is.EqualTo("deployment.apps \"roll\" deleted\n"), delete.StandardError);
        var gone = await _env.KubectlAsync("wait", "--for=delete", "pod", "-l", "app=roll", "--timeout=120s");
        Assert.That(gone.ExitCode, Is.Zero, gone.StandardError);
        Assert.That((await _env.KubectlAsync("get", "rs,pods", "-l", "app=roll", "-o", "name")).StandardOutput, Is.Empty);
    }

    [Test]
    public async Task Job_Completes_AndKubectlWaitSeesIt()
    {
        var create = await _env.KubectlAsync("create", "job", "once", "--image=registry.local/task:1", "--", "true");
        Assert.That(create.StandardOutput, Is.EqualTo("job.batch/once created\n"), create.StandardError);
        var wait = await _env.KubectlAsync("wait", "--for=condition=complete", "job/once", "--timeout=120s");
        Assert.That(wait.StandardOutput, Is.EqualTo("job.batch/once condition met\n"), wait.StandardError);
        Assert.That((await _env.KubectlAsync("get", "job", "once", "-o", "jsonpath={.status.succeeded}")).StandardOutput, Is.EqualTo("1"));
        Assert.That((await _env.KubectlAsync("get", "pods", "-l", "job-name=once", "-o", "jsonpath={.items[*].status.phase}")).StandardOutput, Is.EqualTo("Succeeded"));
    }

    private async Task RolloutAsync(string target)
    {
        var status = await _env.KubectlAsync("rollout", "status", target, "--timeout=120s");
        Assert.That(status.ExitCode, Is.Zero, status.StandardOutput + status.StandardError);
        Assert.That(status.StandardOutput, Does.EndWith($"\"{target.Split('/')[1]}\" successfully rolled out\n"));
    }

    // The images of the selector's pods that are not being deleted, sorted.
    private async Task<string> PodImagesAsync(string selector)
    {
        for (var attempt = 0; ; attempt++)
        {
            var pods = await _env.KubectlAsync("get", "pods", "-l", selector, "-o", "jsonpath={range .items[?(@.metadata.deletionTimestamp)]}x{end}|{range .items[*]}{.spec.containers[0].image} {end}");
            var parts = pods.StandardOutput.Split('|');
            if (parts[0].Length == 0 || attempt == 60)
            {
                return string.Join(' ', parts[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }
}
