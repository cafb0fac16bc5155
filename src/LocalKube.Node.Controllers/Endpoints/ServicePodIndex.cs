using k8s.Models;
using LocalKube.Node.Client.Cache;

namespace LocalKube.Node.Controllers.Endpoints;

/// <summary>Which Services a pod change concerns: those in its namespace whose selector matches its old or new labels.</summary>
internal static class ServicePodIndex
{
    /// <summary>The keys of the Services selecting <paramref name="oldPod"/> or <paramref name="newPod"/>.</summary>
    public static IEnumerable<string> ServicesFor(ILister<V1Service> services, V1Pod? oldPod, V1Pod newPod)
    {
        var ns = newPod.Metadata.NamespaceProperty;
        foreach (var service in services.List(ns))
        {
            if (EndpointPods.Selects(service, newPod) || (oldPod is not null && EndpointPods.Selects(service, oldPod)))
            {
                yield return ns + "/" + service.Metadata.Name;
            }
        }
    }
}
