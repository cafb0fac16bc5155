using k8s.Models;
using LocalKube.Node.Machinery.Volumes;
using LocalKube.Node.Scheduler.Framework;

namespace LocalKube.Node.Scheduler.Plugins;

/// <summary>
/// The pod's PersistentVolumeClaims: missing or deleting claims and unbound Immediate claims reject the pod
/// everywhere; bound volumes must admit the node; unbound WaitForFirstConsumer claims need an available volume
/// there or a provisioner, which the binding cycle then sets in motion (<see cref="VolumePlan"/>).
/// </summary>
public sealed class VolumeBinding : SchedulerPlugin
{
    /// <summary>Upstream's reason for unbound claims of an Immediate class.</summary>
    public const string UnboundImmediateReason = "pod has unbound immediate PersistentVolumeClaims";

    /// <summary>Upstream's reason when a bound volume's node affinity excludes the node.</summary>
    public const string NodeConflictReason = "node(s) had volume node affinity conflict";

    /// <summary>Upstream's reason when a delayed claim finds neither a volume nor a provisioner on the node.</summary>
    public const string BindConflictReason = "node(s) didn't find available persistent volumes to bind";

    /// <summary>Upstream's reason when a claim is bound to a volume that does not exist.</summary>
    public const string VolumeMissingReason = "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)";

    /// <summary>The PVC annotation that tells the provisioner which node to provision for.</summary>
    public const string SelectedNodeAnnotation = "volume.kubernetes.io/selected-node";

    /// <summary>A class provisioner meaning "no dynamic provisioning".</summary>
    public const string NoProvisioner = "kubernetes.io/no-provisioner";

    private const string StateKey = "PreFilterVolumeBinding";

    /// <inheritdoc />
    public override string Name => "VolumeBinding";

    /// <inheritdoc />
    public override ClusterEvents Events =>
        ClusterEvents.NodeAdd | ClusterEvents.NodeLabel | ClusterEvents.Claim | ClusterEvents.Volume | ClusterEvents.StorageClass;

    /// <summary>The claim names a pod's volumes refer to (generic ephemeral volumes use <c>&lt;pod&gt;-&lt;volume&gt;</c>).</summary>
    public static IEnumerable<(string Name, bool Ephemeral)> ClaimNames(V1Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        foreach (var v in pod.Spec?.Volumes ?? [])
        {
            if (v.PersistentVolumeClaim is { } claim)
            {
                yield return (claim.ClaimName, false);
            }
            else if (v.Ephemeral is not null)
            {
                yield return ($"{pod.Metadata?.Name}-{v.Name}", true);
            }
        }
    }

    /// <summary>The plan computed for <paramref name="node"/> in this attempt, or null when the pod has no delayed claims.</summary>
    public static VolumePlan? PlanFor(CycleState state, string node)
    {
        ArgumentNullException.ThrowIfNull(state);
        var claims = state.Read<ClaimState>(StateKey);
        return claims is null ? null : claims.Plans.GetValueOrDefault(node) ?? new VolumePlan([], [], claims.All);
    }

    /// <inheritdoc />
    public override PreFilterResult PreFilter(CycleState state, PodInfo pod, ClusterSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(snapshot);
        var names = ClaimNames(pod.Pod).ToList();
        if (names.Count == 0)
        {
            return PreFilterResult.Skip;
        }

        var listers = snapshot.Listers;
        var result = new ClaimState(listers);
        foreach (var (name, ephemeral) in names)
        {
            var claim = listers.Claim(pod.Namespace, name);
            if (claim is null)
            {
                return Reject($"persistentvolumeclaim \"{name}\" not found");
            }

            if (claim.Metadata?.DeletionTimestamp is not null)
            {
                return Reject($"persistentvolumeclaim \"{name}\" is being deleted");
            }

            if (ephemeral && claim.Metadata?.OwnerReferences?.Any(o => o.Controller == true && o.Uid == pod.Uid) != true)
            {
                return Reject($"PVC {pod.Namespace}/{name} was not created for pod {pod.Namespace}/{pod.Name} (pod is not owner)");
            }

            result.All.Add((pod.Namespace, name));
            if (!string.IsNullOrEmpty(claim.Spec?.VolumeName))
            {
                result.Bound.Add(claim);
                continue;
            }

            var className = VolumeMatcher.ClaimClass(claim);
            var storageClass = className.Length == 0 ? null : listers.StorageClass(className);
            if (className.Length > 0 && storageClass is null)
            {
                return new PreFilterResult(PluginStatus.Failure($"storageclass.storage.k8s.io \"{className}\" not found"));
            }

            if (storageClass?.VolumeBindingMode == "WaitForFirstConsumer")
            {
                result.Delayed.Add((claim, storageClass));
            }
            else
            {
                return Reject(UnboundImmediateReason);
            }
        }

        state.Write(StateKey, result);
        return PreFilterResult.Continue;
    }

    /// <inheritdoc />
    public override PluginStatus? Filter(CycleState state, PodInfo pod, NodeInfo node)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(node);
        var claims = state.Read<ClaimState>(StateKey);
        if (claims is null || node.Node is not { } n)
        {
            return null;
        }

        foreach (var claim in claims.Bound)
        {
            var volume = claims.Listers.Volume(claim.Spec.VolumeName);
            if (volume is null)
            {
                return PluginStatus.Unresolvable(VolumeMissingReason);
            }

            if (!VolumeMatcher.NodeAffinityAdmits(volume, n))
            {
                return PluginStatus.Unresolvable(NodeConflictReason);
            }
        }

        if (claims.Delayed.Count == 0)
        {
            return null;
        }

        var taken = new HashSet<string>(StringComparer.Ordinal);
        var bindings = new List<(V1PersistentVolumeClaim, V1PersistentVolume)>();
        var provisions = new List<V1PersistentVolumeClaim>();
        foreach (var (claim, storageClass) in claims.Delayed)
        {
            var match = VolumeMatcher.FindMatch(claim, claims.Listers.Volumes(), n, taken);
            if (match is not null)
            {
                taken.Add(match.Metadata.Name);
                bindings.Add((claim, match));
                continue;
            }

            if (!CanProvision(claim, storageClass, n))
            {
                return PluginStatus.Unschedulable(BindConflictReason);
            }

            provisions.Add(claim);
        }

        claims.Plans[node.Name] = new VolumePlan(bindings, provisions, claims.All);
        return null;
    }

    private static bool CanProvision(V1PersistentVolumeClaim claim, V1StorageClass storageClass, V1Node node)
    {
        if (string.IsNullOrEmpty(storageClass.Provisioner) || storageClass.Provisioner == NoProvisioner)
        {
            return false;
        }

        // A claim already being provisioned for another node stays there.
        if (claim.Metadata?.Annotations is { } a && a.TryGetValue(SelectedNodeAnnotation, out var selected) && selected != node.Metadata?.Name)
        {
            return false;
        }

        var topologies = storageClass.AllowedTopologies;
        if (topologies is null || topologies.Count == 0)
        {
            return true;
        }

        var labels = node.Metadata?.Labels;
        return topologies.Any(t => (t.MatchLabelExpressions ?? []).All(e =>
            labels is not null && labels.TryGetValue(e.Key, out var v) && (e.Values?.Contains(v) ?? false)));
    }

    private static PreFilterResult Reject(string reason) => new(PluginStatus.Unresolvable(reason));

    private sealed class ClaimState(ISchedulerListers listers)
    {
        public ISchedulerListers Listers { get; } = listers;

        public List<(string, string)> All { get; } = [];

        public List<V1PersistentVolumeClaim> Bound { get; } = [];

        public List<(V1PersistentVolumeClaim Claim, V1StorageClass Class)> Delayed { get; } = [];

        public Dictionary<string, VolumePlan> Plans { get; } = new(StringComparer.Ordinal);
    }
}
