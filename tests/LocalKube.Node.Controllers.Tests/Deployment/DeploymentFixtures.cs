using k8s.Models;

namespace LocalKube.Node.Controllers.Tests.Deployment;

/// <summary>Deployments as the API server stores them after defaulting.</summary>
internal static class DeploymentFixtures
{
    public static V1Deployment Make(string name = "web", int replicas = 3, string image = "nginx:1", string? maxSurge = "25%", string? maxUnavailable = "25%", string strategy = "RollingUpdate", int? progressDeadline = 600)
    {
        return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = "default",
                Uid = "uid-" + name,
                Generation = 1,
                ResourceVersion = "1",
                CreationTimestamp = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc),
            },
            Spec = new V1DeploymentSpec
            {
                Replicas = replicas,
                RevisionHistoryLimit = 10,
                ProgressDeadlineSeconds = progressDeadline,
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
                Strategy = strategy == "RollingUpdate"
                    ? new V1DeploymentStrategy { Type = strategy, RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = maxSurge, MaxUnavailable = maxUnavailable } }
                    : new V1DeploymentStrategy { Type = strategy },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = image }] },
                },
            },
        };
    }

    /// <summary>A spec change as kubectl set image makes it: new image, generation bumped.</summary>
    public static void SetImage(V1Deployment d, string image)
    {
        d.Spec.Template.Spec.Containers[0].Image = image;
        d.Metadata.Generation = (d.Metadata.Generation ?? 1) + 1;
    }
}
