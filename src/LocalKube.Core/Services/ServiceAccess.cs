using k8s;
using k8s.Autorest;
using k8s.Models;
using LocalKube.Abstractions.Errors;

namespace LocalKube.Core.Services;

/// <summary>
/// Host access to a cluster's services (minikube's <c>service</c> and <c>tunnel</c> with port forwarding, as on
/// Docker Desktop): which ports a service exposes and where each is dialled inside the node, forwarders on
/// 127.0.0.1, and the LoadBalancer ingress that <c>tunnel</c> sets.
/// </summary>
public sealed class ServiceAccess(Kubernetes client, Func<ServiceTarget, CancellationToken, Task<Stream>> connect) : IDisposable
{
    /// <summary>The API client (the profile's context).</summary>
    public Kubernetes Client => client;

    /// <summary>The service <paramref name="name"/>, or minikube's SVC_NOT_FOUND.</summary>
    public async Task<V1Service> GetAsync(string ns, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await client.CoreV1.ReadNamespacedServiceAsync(name, ns, cancellationToken: cancellationToken);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            throw new LocalKubeException(Reasons.ServiceNotFound,
                $"Service '{name}' was not found in '{ns}' namespace.\nYou may select another namespace by using 'localkube service {name} -n <namespace>'. Or list out all the services using 'localkube service list'.");
        }
    }

    /// <summary>
    /// Where each port of <paramref name="service"/> is dialled in the node: its NodePort on 127.0.0.1 when it has
    /// one (the proxy balances over ready endpoints), else its ClusterIP. ExternalName and headless services have none.
    /// </summary>
    public static IReadOnlyList<ServiceTarget> Targets(V1Service service)
    {
        ArgumentNullException.ThrowIfNull(service);
        var spec = service.Spec;
        if (spec is null || spec.Type == "ExternalName" || spec.ClusterIP is null or "" or "None")
        {
            return [];
        }

        return (spec.Ports ?? [])
            .Where(p => (p.Protocol ?? "TCP") == "TCP")
            .Select(p => p.NodePort is > 0
                ? new ServiceTarget(service.Metadata.NamespaceProperty, service.Metadata.Name, p.Name ?? "", p.Port, "127.0.0.1", p.NodePort.Value)
                : new ServiceTarget(service.Metadata.NamespaceProperty, service.Metadata.Name, p.Name ?? "", p.Port, spec.ClusterIP, p.Port))
            .ToList();
    }

    /// <summary>A started forwarder for <paramref name="target"/> on 127.0.0.1:<paramref name="port"/> (0: any).</summary>
    public ServiceForwarder Forward(ServiceTarget target, int port = 0)
    {
        var forwarder = new ServiceForwarder(target, connect);
        try
        {
            forwarder.Start(port);
        }
        catch (System.Net.Sockets.SocketException e) when (e.SocketErrorCode is System.Net.Sockets.SocketError.AccessDenied)
        {
            throw new LocalKubeException(Reasons.ServicePortDenied, $"Cannot listen on 127.0.0.1:{port} for {target.Namespace}/{target.Name}: it needs privileges ({e.Message}).");
        }
        catch (System.Net.Sockets.SocketException e) when (e.SocketErrorCode is System.Net.Sockets.SocketError.AddressAlreadyInUse)
        {
            throw new LocalKubeException(Reasons.ServicePortDenied, $"Cannot listen on 127.0.0.1:{port} for {target.Namespace}/{target.Name}: the port is in use.");
        }

        return forwarder;
    }

    /// <inheritdoc />
    public void Dispose() => client.Dispose();
}
