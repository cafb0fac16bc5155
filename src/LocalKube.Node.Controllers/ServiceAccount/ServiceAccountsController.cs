using k8s;
using k8s.Models;
using LocalKube.Node.Client.Cache;
using LocalKube.Node.Client.Clients;
using LocalKube.Node.Client.Controllers;
using LocalKube.Node.Client.Informers;

namespace LocalKube.Node.Controllers.ServiceAccount;

/// <summary>
/// Upstream's service-account controller (<c>service-account-controller</c>): every active namespace has a
/// <c>default</c> ServiceAccount from the moment it appears, and gets it back if it is deleted.
/// </summary>
public sealed class ServiceAccountsController : ControllerService
{
    /// <summary>Upstream's name: the service account and event reporter.</summary>
    public const string ControllerName = "service-account-controller";

    /// <summary>The account every namespace gets.</summary>
    public const string DefaultName = "default";

    private readonly ILister<V1Namespace> _namespaces;
    private readonly ILister<V1ServiceAccount> _accounts;

    /// <summary>Creates the controller.</summary>
    public ServiceAccountsController(ControllerContext context)
        : base(context)
    {
        var namespaces = Watch<V1Namespace>();
        namespaces.AddEventHandler(new ResourceEventHandler<V1Namespace>(onAdd: (ns, _) => Enqueue(ns), onUpdate: (_, ns) => Enqueue(ns)));
        _namespaces = namespaces.Lister;
        var accounts = Watch<V1ServiceAccount>();
        accounts.AddEventHandler(new ResourceEventHandler<V1ServiceAccount>(onDelete: (sa, _) =>
        {
            if (sa.Metadata.Name == DefaultName)
            {
                Queue.Add(sa.Metadata.NamespaceProperty);
            }
        }));
        _accounts = accounts.Lister;
    }

    /// <inheritdoc />
    protected override async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        var ns = _namespaces.Get(null, key);
        if (ns is null || ns.Metadata.DeletionTimestamp is not null || ns.Status?.Phase == "Terminating" || _accounts.Get(key, DefaultName) is not null)
        {
            return ReconcileResult.Done;
        }

        try
        {
            await Client.CoreV1.CreateNamespacedServiceAccountAsync(
                new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = DefaultName, NamespaceProperty = key } }, key, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (KubeErrors.IsAlreadyExists(e) || KubeErrors.IsNotFound(e) || KubeErrors.IsForbidden(e) && ns.Status?.Phase != "Active")
        {
            // It exists (our cache lags), or the namespace is gone or terminating.
        }

        return ReconcileResult.Done;
    }
}
