using System.Text.Json;
using LocalKube.Dashboard.Explain;

namespace LocalKube.Dashboard.Tests.Unit;

[TestFixture]
[Category("Unit")]
public sealed class WorkloadDiagnosisTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Test]
    public void PodsAreRolledUpByCause()
    {
        var deployment = Json("""{"metadata":{"generation":2,"creationTimestamp":"2026-12-01T11:00:00Z"},"spec":{"replicas":3},"status":{"observedGeneration":2,"replicas":3,"readyReplicas":1}}""");
        var pull = new Explanation(false, "x", [new Finding("error", "ImagePullBackOff", "Cannot pull image \"a:1\" for container app.")]);
        var ok = new Explanation(true, "Running and ready.", []);
        var why = WorkloadDiagnosis.Explain("Deployment", deployment, [("web-1", pull), ("web-2", pull), ("web-3", ok)], Now);
        Assert.That(why.Healthy, Is.False);
        Assert.That(why.Headline, Is.EqualTo("2 of 3 pods: Cannot pull image \"a:1\" for container app."));
        Assert.That(why.Findings[0].Detail, Does.StartWith("Pods: web-1, web-2"));
    }

    [Test]
    public void StuckRollout_IsAnError()
    {
        var deployment = Json("""{"metadata":{"generation":1},"spec":{"replicas":1},"status":{"observedGeneration":1,"conditions":[{"type":"Progressing","status":"False","reason":"ProgressDeadlineExceeded","message":"ReplicaSet \"web-1\" has timed out progressing."}]}}""");
        var why = WorkloadDiagnosis.Explain("Deployment", deployment, [], Now);
        Assert.That(why.Findings[0].Code, Is.EqualTo("ProgressDeadlineExceeded"));
        Assert.That(why.Findings[0].Detail, Does.Contain("timed out progressing"));
    }

    [Test]
    public void NoStatus_MeansNoControllerActed()
    {
        var deployment = Json("""{"metadata":{"generation":1,"creationTimestamp":"2026-12-01T11:59:00Z"},"spec":{"replicas":2}}""");
        var why = WorkloadDiagnosis.Explain("Deployment", deployment, [], Now);
        Assert.That(why.Findings[0].Title, Is.EqualTo("No controller has acted on this Deployment yet (it has no status)."));
        Assert.That(why.Findings[0].Severity, Is.EqualTo("warning"));
        Assert.That(why.Findings[0].Hint, Does.Contain("does not seem to run"));
    }

    [Test]
    public void AllReady_IsHealthy()
    {
        var set = Json("""{"metadata":{"generation":1},"spec":{"replicas":2},"status":{"observedGeneration":1,"readyReplicas":2}}""");
        var why = WorkloadDiagnosis.Explain("StatefulSet", set, [], Now);
        Assert.That(why.Healthy, Is.True);
        Assert.That(why.Headline, Is.EqualTo("All 2 replicas ready."));
    }

    [Test]
    public void LabelSelector_IsBuiltFromMatchLabelsAndExpressions()
    {
        var workload = Json("""{"spec":{"selector":{"matchLabels":{"app":"web"},"matchExpressions":[{"key":"tier","operator":"In","values":["a","b"]},{"key":"canary","operator":"DoesNotExist"}]}}}""");
        Assert.That(Explainer.LabelSelector(workload), Is.EqualTo("app=web,tier in (a,b),!canary"));
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}
