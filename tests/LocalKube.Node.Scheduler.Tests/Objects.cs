using k8s.Models;
using LocalKube.Node.Scheduler.Framework;

namespace LocalKube.Node.Scheduler.Tests;

/// <summary>Builders for the pods, nodes and snapshots the tests schedule.</summary>
internal static class Objects
{
    public static V1Node MakeNode(string name = "minikube", string cpu = "2", string memory = "4Gi", int pods = 110, params V1Taint[] taints) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            Labels = new Dictionary<string, string> { ["kubernetes.io/hostname"] = name, ["kubernetes.io/os"] = "linux" },
        },
        Spec = new V1NodeSpec { Taints = taints.Length == 0 ? null : taints.ToList() },
        Status = new V1NodeStatus
        {
            Allocatable = new Dictionary<string, ResourceQuantity>
            {
                ["cpu"] = new(cpu),
                ["memory"] = new(memory),
                ["ephemeral-storage"] = new("100Gi"),
                ["pods"] = new(pods.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            },
        },
    };

    public static V1Pod Pod(string name, string? cpu = null, string? memory = null, string ns = "default", int priority = 0)
    {
        var requests = new Dictionary<string, ResourceQuantity>();
        if (cpu is not null)
        {
            requests["cpu"] = new ResourceQuantity(cpu);
        }

        if (memory is not null)
        {
            requests["memory"] = new ResourceQuantity(memory);
        }

        return new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Uid = "uid-" + name, Labels = new Dictionary<string, string> { ["app"] = name } },
            Spec = new V1PodSpec
            {
                Containers = [new V1Container { Name = "c", Image = "nginx", Resources = new V1ResourceRequirements { Requests = requests } }],
                Priority = priority,
                SchedulerName = "default-scheduler",
            },
            Status = new V1PodStatus { Phase = "Pending" },
        };
    }

    public static V1Pod On(this V1Pod pod, string node)
    {
        pod.Spec.NodeName = node;
        pod.Status.Phase = "Running";
        return pod;
    }

    public static V1Pod Labelled(this V1Pod pod, string key, string value)
    {
        pod.Metadata.Labels[key] = value;
        return pod;
    }

    public static NodeInfo Info(V1Node node, params V1Pod[] pods)
    {
        var info = new NodeInfo(node, node.Metadata.Name);
        foreach (var p in pods)
        {
            info.AddPod(new PodInfo(p));
        }

        return info;
    }

    public static ClusterSnapshot Snapshot(params NodeInfo[] nodes) => new(nodes, new FakeListers());

    public static ClusterSnapshot Snapshot(FakeListers listers, params NodeInfo[] nodes) => new(nodes, listers);

    public static string Schedule(V1Pod pod, params NodeInfo[] nodes) =>
        Render(SchedulingFramework.CreateDefault(new Random(1)).Schedule(new PodInfo(pod), Snapshot(nodes)));

    public static string Render(ScheduleResult result) => result.NodeName ?? result.FailureMessage;
}
