using k8s.Models;

namespace LocalKube.ApiServer.Bench;

/// <summary>The pod every pod scenario creates: two containers with ports, env, resources, and labels.</summary>
internal static class BenchPods
{
    public static V1Pod Pod(string name, string app) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new V1ObjectMeta
        {
            Name = name,
            Labels = new Dictionary<string, string> { ["app"] = app, ["tier"] = "web", ["version"] = "v1.2.3" },
            Annotations = new Dictionary<string, string> { ["bench.localkube.io/owner"] = "team-shop" },
        },
        Spec = new V1PodSpec
        {
            Containers =
            [
                new V1Container
                {
                    Name = "app",
                    Image = "registry.local/shop/app:1.2.3",
                    Args = ["--listen=:8080", "--metrics=:9090"],
                    Ports =
                    [
                        new V1ContainerPort { Name = "http", ContainerPort = 8080 },
                        new V1ContainerPort { Name = "metrics", ContainerPort = 9090 },
                    ],
                    Env =
                    [
                        new V1EnvVar { Name = "MODE", Value = "production" },
                        new V1EnvVar { Name = "LOG_LEVEL", Value = "info" },
                        new V1EnvVar
                        {
                            Name = "POD_NAME",
                            ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.name" } },
                        },
                    ],
                    Resources = Resources("100m", "128Mi", "500m", "256Mi"),
                },
                new V1Container
                {
                    Name = "proxy",
                    Image = "registry.local/mesh/proxy:0.9.1",
                    Ports = [new V1ContainerPort { Name = "proxy", ContainerPort = 15001 }],
                    Env = [new V1EnvVar { Name = "UPSTREAM", Value = "127.0.0.1:8080" }],
                    Resources = Resources("50m", "64Mi", "200m", "128Mi"),
                },
            ],
        },
    };

    private static V1ResourceRequirements Resources(string cpu, string memory, string cpuLimit, string memoryLimit) => new()
    {
        Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(cpu), ["memory"] = new(memory) },
        Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(cpuLimit), ["memory"] = new(memoryLimit) },
    };
}
