using k8s;
using k8s.Models;
using LocalKube.Dashboard.Upstream;

namespace LocalKube.Dashboard.Streams;

/// <summary>
/// Turns a forward's target into a pod and a container port, as <c>kubectl port-forward svc/web 8080:80</c> does:
/// a Service's selector picks a running pod (ready ones first) and its port's targetPort, by number or by the
/// container port's name, gives the pod port. Asked again for every connection, so a forward outlives a rollout.
/// </summary>
public sealed class PortForwardResolver(KubeApi api)
{
    public async Task<(string Pod, int Port)> ResolveAsync(PortForwardTarget target, CancellationToken cancellationToken)
    {
        if (target.Kind == "pod")
        {
            return (target.Name, target.Port);
        }

        var ns = Uri.EscapeDataString(target.Namespace);
        var service = await GetAsync<V1Service>($"/api/v1/namespaces/{ns}/services/{Uri.EscapeDataString(target.Name)}", cancellationToken);
        var servicePort = service.Spec?.Ports?.FirstOrDefault(p => p.Port == target.Port)
            ?? throw new ApiStatusException(404, "NotFound", $"service {target.Name} has no port {target.Port}");
        var selector = service.Spec?.Selector;
        if (selector is null || selector.Count == 0)
        {
            throw new ApiStatusException(400, "BadRequest", $"service {target.Name} has no selector, so no pod to forward to");
        }

        var labels = string.Join(',', selector.Select(kv => $"{kv.Key}={kv.Value}"));
        var pods = await GetAsync<V1PodList>($"/api/v1/namespaces/{ns}/pods?labelSelector={Uri.EscapeDataString(labels)}", cancellationToken);
        var pod = pods.Items
            .Where(p => p.Status?.Phase == "Running" && p.Metadata.DeletionTimestamp is null)
            .OrderByDescending(p => p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true)
            .ThenByDescending(p => p.Metadata.CreationTimestamp)
            .FirstOrDefault()
            ?? throw new ApiStatusException(503, "ServiceUnavailable", $"no running pod matches service {target.Name} ({labels})");

        return (pod.Metadata.Name, TargetPort(servicePort, pod));
    }

    internal static int TargetPort(V1ServicePort servicePort, V1Pod pod)
    {
        var target = servicePort.TargetPort;
        if (target is null || string.IsNullOrEmpty(target.Value))
        {
            return servicePort.Port;
        }

        if (int.TryParse(target.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        return pod.Spec?.Containers?.SelectMany(c => c.Ports ?? []).FirstOrDefault(p => p.Name == target.Value)?.ContainerPort
            ?? throw new ApiStatusException(404, "NotFound", $"pod {pod.Metadata.Name} has no container port named {target.Value}");
    }

    private async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var response = await api.Http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw ApiStatusException.From((int)response.StatusCode, body);
        }

        return KubernetesJson.Deserialize<T>(body);
    }
}
