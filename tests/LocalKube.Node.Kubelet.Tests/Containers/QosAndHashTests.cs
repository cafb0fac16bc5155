using LocalKube.Node.Kubelet.Containers;

namespace LocalKube.Node.Kubelet.Tests.Containers;

[TestFixture]
[Category("Unit")]
public sealed class QosAndHashTests
{
    [Test]
    public void Qos_classes()
    {
        static V1Container C(string? cpuReq, string? memReq, string? cpuLim, string? memLim)
        {
            var requests = new Dictionary<string, ResourceQuantity>();
            var limits = new Dictionary<string, ResourceQuantity>();
            if (cpuReq is not null) { requests["cpu"] = new(cpuReq); }
            if (memReq is not null) { requests["memory"] = new(memReq); }
            if (cpuLim is not null) { limits["cpu"] = new(cpuLim); }
            if (memLim is not null) { limits["memory"] = new(memLim); }
            return new V1Container { Name = "c", Resources = new V1ResourceRequirements { Requests = requests, Limits = limits } };
        }

        Assert.Multiple(() =>
        {
            Assert.That(QosClass.Of(new V1PodSpec { Containers = [new V1Container { Name = "c" }] }), Is.EqualTo("BestEffort"));
            Assert.That(QosClass.Of(new V1PodSpec { Containers = [C("1", "1Gi", "1", "1Gi")] }), Is.EqualTo("Guaranteed"));
            Assert.That(QosClass.Of(new V1PodSpec { Containers = [C("1", "1Gi", "1", "1Gi"), new V1Container { Name = "d" }] }), Is.EqualTo("Burstable"));
            Assert.That(QosClass.Of(new V1PodSpec { Containers = [C("500m", "1Gi", "1", "1Gi")] }), Is.EqualTo("Burstable"));
            Assert.That(QosClass.Of(new V1PodSpec { Containers = [C(null, "10Mi", null, null)] }), Is.EqualTo("Burstable"));
            Assert.That(QosClass.Of(new V1PodSpec { Containers = [C("1", "1Gi", "1", "1Gi")], InitContainers = [C(null, null, null, "1Gi")] }), Is.EqualTo("Burstable"));
            Assert.That(QosClass.OomScoreAdj("Guaranteed", new V1Container(), 1 << 30), Is.EqualTo(-997));
            Assert.That(QosClass.OomScoreAdj("BestEffort", new V1Container(), 1 << 30), Is.EqualTo(1000));
            Assert.That(QosClass.OomScoreAdj("Burstable", C(null, "512Mi", null, null), 1L << 30), Is.EqualTo(500));
            Assert.That(QosClass.OomScoreAdj("Burstable", C(null, "1Gi", null, null), 1L << 30), Is.EqualTo(3));

            // Beyond decimal's range (the API allows it): a class and cgroup values, not an OverflowException.
            Assert.That(QosClass.Of(new V1PodSpec { Containers = [C("1e40", "1e40", "1e40", "1e40")] }), Is.EqualTo("Guaranteed"));
            var huge = LocalKube.Node.Kubelet.Pods.ContainerConfigFactory.Resources(C("1e40", null, "1e40", "1e40"), "Burstable", 1L << 30);
            Assert.That(huge.CpuQuota, Is.Positive);
            Assert.That(huge.CpuShares, Is.Positive);
            Assert.That(huge.MemoryLimitBytes, Is.EqualTo(long.MaxValue));
        });
    }

    [Test]
    public void Hash_changes_with_the_spec_but_not_with_resources()
    {
        var a = new V1Container { Name = "web", Image = "busybox:1", Command = ["sleep", "1"] };
        var b = new V1Container { Name = "web", Image = "busybox:1", Command = ["sleep", "1"], Resources = new V1ResourceRequirements { Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("1") } } };
        var c = new V1Container { Name = "web", Image = "busybox:2", Command = ["sleep", "1"] };
        Assert.Multiple(() =>
        {
            Assert.That(ContainerHash.Of(a), Is.EqualTo(ContainerHash.Of(b)));
            Assert.That(ContainerHash.Of(a), Is.Not.EqualTo(ContainerHash.Of(c)));
            Assert.That(ContainerHash.Of(a), Does.Match("^[0-9a-f]{8}$"));
        });
    }

    [Test]
    public void Termination_message_reads_at_most_4KiB_and_falls_back_only_on_failure()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, new string('x', 5000));
            Assert.That(TerminationMessage.ReadFile(path), Has.Length.EqualTo(4096));
            Assert.That(TerminationMessage.ReadFile(path + ".missing"), Is.Empty);
            Assert.That(TerminationMessage.UseLogs("FallbackToLogsOnError", 1, ""), Is.True);
            Assert.That(TerminationMessage.UseLogs("FallbackToLogsOnError", 0, ""), Is.False);
            Assert.That(TerminationMessage.UseLogs("FallbackToLogsOnError", 1, "written"), Is.False);
            Assert.That(TerminationMessage.UseLogs("File", 1, ""), Is.False);
            var tail = string.Join('\n', Enumerable.Range(0, 200).Select(i => $"line {i}"));
            var fallback = TerminationMessage.FromLogTail(tail);
            Assert.That(System.Text.Encoding.UTF8.GetByteCount(fallback), Is.LessThanOrEqualTo(2048));
            Assert.That(fallback, Does.EndWith("line 199"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
