using k8s.Models;

namespace LocalKube.Node.Controllers.Tests.Endpoints;

/// <summary>Services and pods for the endpoint tests.</summary>
internal static class EndpointObjects
{
    public static V1Service Service(string name = "web", bool publishNotReady = false, string? clusterIp = "10.96.0.10", params V1ServicePort[] ports) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name, NamespaceProperty = "default", Uid = "svc-uid", Labels = new Dictionary<string, string> { ["team"] = "a" },
            CreationTimestamp = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc),
        },
        Spec = new V1ServiceSpec
        {
            Selector = new Dictionary<string, string> { ["app"] = "web" },
            ClusterIP = clusterIp,
            PublishNotReadyAddresses = publishNotReady,
            Ports = ports.Length == 0 ? [new V1ServicePort { Name = "http", Port = 80, TargetPort = 8080, Protocol = "TCP" }] : [.. ports],
        },
    };

    public static V1Pod Pod(string name, string ip, bool ready = true, bool terminating = false, string phase = "Running", params V1ContainerPort[] ports) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name, NamespaceProperty = "default", Uid = "uid-" + name,
            Labels = new Dictionary<string, string> { ["app"] = "web" },
            DeletionTimestamp = terminating ? DateTime.UtcNow : null,
        },
        Spec = new V1PodSpec { NodeName = "minikube", Containers = [new V1Container { Name = "c", Ports = ports.Length == 0 ? null : [.. ports] }] },
        Status = new V1PodStatus
        {
            Phase = phase,
            PodIP = ip,
            PodIPs = [new V1PodIP { Ip = ip }],
            Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False", LastTransitionTime = new DateTime(2026, 1, 1, 0, 0, 5, DateTimeKind.Utc) }],
        },
    };
}
