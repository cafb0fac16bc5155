using k8s;
using k8s.Models;
using LocalKube.Node.Client.Clients;
using LocalKube.Node.Client.Controllers;
using LocalKube.Node.Client.Informers;
using LocalKube.Node.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LocalKube.Node.Controllers.RootCaPublisher;

/// <summary>
/// The root CA publisher (k/k <c>pkg/controller/certificates/rootcacertpublisher</c>, <c>root-ca-cert-publisher</c>):
/// a ConfigMap <c>kube-root-ca.crt</c> with the cluster CA in <c>ca.crt</c> in every namespace, put back when changed
/// or deleted. Every pod's <c>kube-api-access-*</c> volume mounts it.
/// </summary>
public sealed class RootCaPublisherController : ControllerService
{
    /// <summary>Upstream's name: the service account and event reporter.</summary>
    public const string ControllerName = "root-ca-cert-publisher";

    /// <summary>The ConfigMap's name.</summary>
    public const string ConfigMapName = "kube-root-ca.crt";

    /// <summary>The description annotation's key.</summary>
    public const string DescriptionAnnotation = "kubernetes.io/description";

    /// <summary>Upstream's description of the ConfigMap.</summary>
    public const string Description =
        "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. "
        + "No other usage is guaranteed across distributions of Kubernetes clusters.";

    private readonly ISharedInformer<V1Namespace> _namespaces;
    private readonly ISharedInformer<V1ConfigMap> _configMaps;
    private readonly string _rootCa;

    /// <summary>Creates the controller; the CA is the agent's <c>--cert-dir</c>/<c>ca.crt</c>.</summary>
    [ActivatorUtilitiesConstructor]
    public RootCaPublisherController(ControllerContext context, IOptions<NodeAgentOptions> options)
        : this(context, File.ReadAllText(Path.Combine((options ?? throw new ArgumentNullException(nameof(options))).Value.CertDir, "ca.crt")))
    {
    }

    /// <summary>Creates the controller publishing <paramref name="rootCa"/> (PEM).</summary>
    public RootCaPublisherController(ControllerContext context, string rootCa)
        : base(context)
    {
        _rootCa = rootCa ?? throw new ArgumentNullException(nameof(rootCa));
        _namespaces = Watch<V1Namespace>(enqueue: true);
        _configMaps = Watch<V1ConfigMap>(new InformerOptions(FieldSelector: "metadata.name=" + ConfigMapName));
        _configMaps.AddEventHandler(new ResourceEventHandler<V1ConfigMap>(
            onUpdate: (_, c) => Queue.Add(c.Metadata.NamespaceProperty),
            onDelete: (c, _) => Queue.Add(c.Metadata.NamespaceProperty)));
    }

    /// <inheritdoc />
    protected override async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        var ns = _namespaces.Lister.Get(null, key);
        if (ns is null || ns.Status?.Phase == "Terminating")
        {
            return ReconcileResult.Done;
        }

        var data = new Dictionary<string, string> { ["ca.crt"] = _rootCa };
        var current = _configMaps.Lister.Get(key, ConfigMapName);
        try
        {
            if (current is null)
            {
                await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
                {
                    Metadata = new V1ObjectMeta { Name = ConfigMapName, Annotations = new Dictionary<string, string> { [DescriptionAnnotation] = Description } },
                    Data = data,
                }, key, cancellationToken: cancellationToken);
                return ReconcileResult.Done;
            }

            var sameData = current.Data is { Count: 1 } d && d.TryGetValue("ca.crt", out var ca) && ca == _rootCa;
            if (sameData && current.Metadata.Annotations?.TryGetValue(DescriptionAnnotation, out var text) == true && text.Length > 0)
            {
                return ReconcileResult.Done;
            }

            var update = KubeJson.Clone(current);
            update.Data = data;
            update.Metadata.Annotations ??= new Dictionary<string, string>();
            update.Metadata.Annotations.TryAdd(DescriptionAnnotation, Description);
            await Client.CoreV1.ReplaceNamespacedConfigMapAsync(update, ConfigMapName, key, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (KubeErrors.IsNotFound(e) || (KubeErrors.IsForbidden(e) && e.Message.Contains("being terminated", StringComparison.Ordinal)))
        {
            // The namespace is gone or terminating: nothing to publish.
        }
        catch (Exception e) when (KubeErrors.IsAlreadyExists(e))
        {
            return ReconcileResult.RequeueWithBackoff;
        }

        return ReconcileResult.Done;
    }
}
