using k8s;
using k8s.Models;
using LocalKube.Node.ApiServer.Catalog;
using LocalKube.Node.ApiServer.Catalog.Rbac;
using LocalKube.Node.ApiServer.Rest;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.ApiServer.Authorization;

/// <summary>
/// Keeps <see cref="RbacAuthorizer.Policy"/> current: one watch per RBAC kind through the REST store (an initial
/// list, then every change), and a fresh <see cref="RbacPolicy"/> snapshot published after each change once all four
/// kinds have loaded. Requests then never read storage. A broken watch is re-established from a full list.
/// </summary>
public sealed partial class RbacPolicyCache(ResourceStore store, RbacAuthorizer authorizer, ILogger<RbacPolicyCache> logger, TimeProvider time)
{
    private static readonly string[] Kinds = ["ClusterRole", "Role", "ClusterRoleBinding", "RoleBinding"];
    private readonly Dictionary<string, IKubernetesObject<V1ObjectMeta>>[] _objects = [[], [], [], []];
    private readonly bool[] _loaded = new bool[4];
    private readonly Lock _gate = new();

    /// <summary>Raised after a new snapshot is published (the aggregation controller listens).</summary>
    public event Action? Changed;

    /// <summary>Runs the four watches until cancelled; a broken watch (storage outage included) is relisted, never fatal.</summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(Kinds.Select((kind, slot) => WatchAsync(slot, store.Resources.FindKind(RbacRules.Group, kind), cancellationToken)));

    private Task WatchAsync(int slot, RestResource? resource, CancellationToken cancellationToken)
    {
        if (resource is null)
        {
            Replace(slot, []);
            return Task.CompletedTask;
        }

        return StoreReflector.RunAsync(
            store,
            resource,
            initial => Replace(slot, initial.ToDictionary(Key)),
            (obj, removed) => Apply(slot, obj, removed),
            e => Log.WatchFailed(logger, Kinds[slot], e.Message),
            time,
            cancellationToken);
    }

    private static string Key(IKubernetesObject<V1ObjectMeta> o) => $"{o.Metadata.NamespaceProperty}/{o.Metadata.Name}";

    private void Replace(int slot, Dictionary<string, IKubernetesObject<V1ObjectMeta>> objects)
    {
        lock (_gate)
        {
            _objects[slot] = objects;
            _loaded[slot] = true;
            Rebuild();
        }

        Changed?.Invoke();
    }

    private void Apply(int slot, IKubernetesObject<V1ObjectMeta> obj, bool remove)
    {
        lock (_gate)
        {
            if (remove)
            {
                _objects[slot].Remove(Key(obj));
            }
            else
            {
                _objects[slot][Key(obj)] = obj;
            }

            Rebuild();
        }

        Changed?.Invoke();
    }

    // Under _gate. Nothing is published before every kind has loaded: a partial policy would deny wrongly.
    private void Rebuild()
    {
        if (_loaded.Any(l => !l))
        {
            return;
        }

        authorizer.Publish(RbacPolicy.Build(
            _objects[0].Values.Cast<V1ClusterRole>(),
            _objects[1].Values.Cast<V1Role>(),
            _objects[2].Values.Cast<V1ClusterRoleBinding>(),
            _objects[3].Values.Cast<V1RoleBinding>()));
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "RBAC {Kind} watch failed, relisting: {Message}")]
        public static partial void WatchFailed(ILogger logger, string kind, string message);
    }
}
