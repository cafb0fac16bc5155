using k8s.Models;

namespace LocalKube.Node.ApiServer.Schema;

/// <summary>
/// The facts, per built-in model field, from upstream's API types (the <c>patchStrategy</c>/<c>patchMergeKey</c> struct
/// tags and the <c>+listType</c>/<c>+listMapKey</c> markers that the published OpenAPI carries as
/// <c>x-kubernetes-patch-strategy</c>, <c>x-kubernetes-patch-merge-key</c>, <c>x-kubernetes-list-type</c> and
/// <c>x-kubernetes-list-map-keys</c>). Fields upstream leaves unannotated are absent (strategic merge patch replaces
/// them). Struct fields appear too when they carry a strategy (<c>retainKeys</c> on a Deployment's strategy).
/// </summary>
public static partial class FieldMetadata
{
    // Strategic merge by key; server-side apply treats it as a map list on the same key.
    private static ListFieldMetadata Merge(string key) => new("merge", key, "map", [key]);

    // Strategic merge by key, with SSA map keys that differ from the merge key.
    private static ListFieldMetadata Merge(string key, params string[] mapKeys) => new("merge", key, "map", mapKeys);

    // A merge by key whose SSA list type is atomic (upstream kept the SMP tags on an atomic list).
    private static ListFieldMetadata MergeAtomic(string key) => new("merge", key, "atomic", null);

    private static ListFieldMetadata MergeRetain(string key) => new("merge,retainKeys", key, "map", [key]);

    // Properties, not fields: static initializers of partial files run in no promised order.

    // A primitive list merged as a set (finalizers, podCIDRs).
    private static ListFieldMetadata MergeSet => new("merge", null, "set", null);

    private static ListFieldMetadata Atomic => new(null, null, "atomic", null);

    private static ListFieldMetadata Set => new(null, null, "set", null);

    private static ListFieldMetadata RetainKeys => new("retainKeys", null, null, null);

    private static ListFieldMetadata MapList(params string[] keys) => new(null, null, "map", keys);

    private static Dictionary<(Type, string), ListFieldMetadata> BuildTable()
    {
        var t = new Dictionary<(Type, string), ListFieldMetadata>();

        // meta/v1
        t[(typeof(V1ObjectMeta), "finalizers")] = MergeSet;
        t[(typeof(V1ObjectMeta), "ownerReferences")] = Merge("uid");
        t[(typeof(V1ObjectMeta), "managedFields")] = Atomic;
        t[(typeof(V1LabelSelector), "matchExpressions")] = Atomic;
        t[(typeof(V1LabelSelectorRequirement), "values")] = Atomic;

        // core/v1 PodSpec and containers
        t[(typeof(V1PodSpec), "volumes")] = MergeRetain("name");
        t[(typeof(V1PodSpec), "initContainers")] = Merge("name");
        t[(typeof(V1PodSpec), "containers")] = Merge("name");
        t[(typeof(V1PodSpec), "ephemeralContainers")] = Merge("name");
        t[(typeof(V1PodSpec), "imagePullSecrets")] = Merge("name");
        t[(typeof(V1PodSpec), "hostAliases")] = Merge("ip");
        t[(typeof(V1PodSpec), "topologySpreadConstraints")] = Merge("topologyKey", "topologyKey", "whenUnsatisfiable");
        t[(typeof(V1PodSpec), "schedulingGates")] = Merge("name");
        t[(typeof(V1PodSpec), "resourceClaims")] = MergeRetain("name");
        t[(typeof(V1PodSpec), "tolerations")] = Atomic;
        t[(typeof(V1PodSpec), "readinessGates")] = Atomic;
        t[(typeof(V1HostAlias), "hostnames")] = Atomic;
        t[(typeof(V1PodDNSConfig), "nameservers")] = Atomic;
        t[(typeof(V1PodDNSConfig), "searches")] = Atomic;
        t[(typeof(V1PodDNSConfig), "options")] = Atomic;
        t[(typeof(V1PodSecurityContext), "supplementalGroups")] = Atomic;
        t[(typeof(V1PodSecurityContext), "sysctls")] = Atomic;
        foreach (var container in new[] { typeof(V1Container), typeof(V1EphemeralContainer) })
        {
            t[(container, "ports")] = Merge("containerPort", "containerPort", "protocol");
            t[(container, "env")] = Merge("name");
            t[(container, "volumeMounts")] = Merge("mountPath");
            t[(container, "volumeDevices")] = Merge("devicePath");
            t[(container, "command")] = Atomic;
            t[(container, "args")] = Atomic;
            t[(container, "envFrom")] = Atomic;
            t[(container, "resizePolicy")] = Atomic;
        }

        t[(typeof(V1ResourceRequirements), "claims")] = MapList("name");
        t[(typeof(V1Capabilities), "add")] = Atomic;
        t[(typeof(V1Capabilities), "drop")] = Atomic;
        t[(typeof(V1ExecAction), "command")] = Atomic;
        t[(typeof(V1HTTPGetAction), "httpHeaders")] = Atomic;
        t[(typeof(V1NodeSelector), "nodeSelectorTerms")] = Atomic;
        t[(typeof(V1NodeSelectorTerm), "matchExpressions")] = Atomic;
        t[(typeof(V1NodeSelectorTerm), "matchFields")] = Atomic;
        t[(typeof(V1NodeSelectorRequirement), "values")] = Atomic;
        t[(typeof(V1NodeAffinity), "preferredDuringSchedulingIgnoredDuringExecution")] = Atomic;
        t[(typeof(V1PodAffinity), "requiredDuringSchedulingIgnoredDuringExecution")] = Atomic;
        t[(typeof(V1PodAffinity), "preferredDuringSchedulingIgnoredDuringExecution")] = Atomic;
        t[(typeof(V1PodAntiAffinity), "requiredDuringSchedulingIgnoredDuringExecution")] = Atomic;
        t[(typeof(V1PodAntiAffinity), "preferredDuringSchedulingIgnoredDuringExecution")] = Atomic;
        t[(typeof(V1PodAffinityTerm), "namespaces")] = Atomic;
        t[(typeof(V1PodAffinityTerm), "matchLabelKeys")] = Atomic;
        t[(typeof(V1PodAffinityTerm), "mismatchLabelKeys")] = Atomic;
        t[(typeof(V1TopologySpreadConstraint), "matchLabelKeys")] = Atomic;
        t[(typeof(V1ConfigMapVolumeSource), "items")] = Atomic;
        t[(typeof(V1SecretVolumeSource), "items")] = Atomic;
        t[(typeof(V1DownwardAPIVolumeSource), "items")] = Atomic;
        t[(typeof(V1ProjectedVolumeSource), "sources")] = Atomic;

        // core/v1 PodStatus
        t[(typeof(V1PodStatus), "conditions")] = Merge("type");
        t[(typeof(V1PodStatus), "podIPs")] = Merge("ip");
        t[(typeof(V1PodStatus), "hostIPs")] = MergeAtomic("ip");
        t[(typeof(V1PodStatus), "containerStatuses")] = Atomic;
        t[(typeof(V1PodStatus), "initContainerStatuses")] = Atomic;
        t[(typeof(V1PodStatus), "ephemeralContainerStatuses")] = Atomic;
        t[(typeof(V1PodStatus), "resourceClaimStatuses")] = MergeRetain("name");

        // core/v1 Node
        t[(typeof(V1NodeSpec), "podCIDRs")] = MergeSet;
        t[(typeof(V1NodeSpec), "taints")] = Atomic;
        t[(typeof(V1NodeStatus), "conditions")] = Merge("type");
        t[(typeof(V1NodeStatus), "addresses")] = Merge("type");
        t[(typeof(V1NodeStatus), "images")] = Atomic;
        t[(typeof(V1NodeStatus), "volumesInUse")] = Atomic;
        t[(typeof(V1NodeStatus), "volumesAttached")] = Atomic;

        // core/v1 Service, Endpoints, ServiceAccount
        t[(typeof(V1ServiceSpec), "ports")] = Merge("port", "port", "protocol");
        t[(typeof(V1ServiceSpec), "clusterIPs")] = Atomic;
        t[(typeof(V1ServiceSpec), "externalIPs")] = Atomic;
        t[(typeof(V1ServiceSpec), "ipFamilies")] = Atomic;
        t[(typeof(V1ServiceSpec), "loadBalancerSourceRanges")] = Atomic;
        t[(typeof(V1ServiceStatus), "conditions")] = Merge("type");
        t[(typeof(V1LoadBalancerStatus), "ingress")] = Atomic;
        t[(typeof(V1Endpoints), "subsets")] = Atomic;
        t[(typeof(V1EndpointSubset), "addresses")] = Atomic;
        t[(typeof(V1EndpointSubset), "notReadyAddresses")] = Atomic;
        t[(typeof(V1EndpointSubset), "ports")] = Atomic;
        t[(typeof(V1ServiceAccount), "secrets")] = Merge("name");
        t[(typeof(V1ServiceAccount), "imagePullSecrets")] = Atomic;

        // core/v1 other kinds' status conditions and lists
        t[(typeof(V1NamespaceStatus), "conditions")] = Merge("type");
        t[(typeof(V1NamespaceSpec), "finalizers")] = Atomic;
        t[(typeof(V1PersistentVolumeClaimStatus), "conditions")] = Merge("type");
        t[(typeof(V1PersistentVolumeClaimStatus), "accessModes")] = Atomic;
        t[(typeof(V1PersistentVolumeClaimSpec), "accessModes")] = Atomic;
        t[(typeof(V1PersistentVolumeSpec), "accessModes")] = Atomic;
        t[(typeof(V1PersistentVolumeSpec), "mountOptions")] = Atomic;
        t[(typeof(V1ReplicationControllerStatus), "conditions")] = Merge("type");
        t[(typeof(V1LimitRangeSpec), "limits")] = Atomic;
        t[(typeof(V1ResourceQuotaSpec), "scopes")] = Atomic;
        t[(typeof(V1ScopeSelector), "matchExpressions")] = Atomic;
        t[(typeof(V1ComponentStatus), "conditions")] = Merge("type");

        // apps/v1
        t[(typeof(V1DeploymentSpec), "strategy")] = RetainKeys;
        t[(typeof(V1DeploymentStatus), "conditions")] = Merge("type");
        t[(typeof(V1ReplicaSetStatus), "conditions")] = Merge("type");
        t[(typeof(V1DaemonSetStatus), "conditions")] = Merge("type");
        t[(typeof(V1StatefulSetStatus), "conditions")] = Merge("type");
        t[(typeof(V1StatefulSetSpec), "volumeClaimTemplates")] = Atomic;

        // batch/v1
        t[(typeof(V1JobStatus), "conditions")] = MergeAtomic("type");
        t[(typeof(V1CronJobStatus), "active")] = Atomic;
        t[(typeof(V1PodFailurePolicy), "rules")] = Atomic;
        t[(typeof(V1PodFailurePolicyRule), "onPodConditions")] = Atomic;
        t[(typeof(V1PodFailurePolicyOnExitCodesRequirement), "values")] = Set;

        // autoscaling/v2, policy/v1
        t[(typeof(V2HorizontalPodAutoscalerStatus), "conditions")] = Merge("type");
        t[(typeof(V2HorizontalPodAutoscalerStatus), "currentMetrics")] = Atomic;
        t[(typeof(V2HorizontalPodAutoscalerSpec), "metrics")] = Atomic;
        t[(typeof(V2HPAScalingRules), "policies")] = Atomic;
        t[(typeof(V1PodDisruptionBudgetStatus), "conditions")] = Merge("type");

        // networking/v1
        t[(typeof(V1NetworkPolicySpec), "ingress")] = Atomic;
        t[(typeof(V1NetworkPolicySpec), "egress")] = Atomic;
        t[(typeof(V1NetworkPolicySpec), "policyTypes")] = Atomic;
        t[(typeof(V1NetworkPolicyIngressRule), "ports")] = Atomic;
        t[(typeof(V1NetworkPolicyIngressRule), "from")] = Atomic;
        t[(typeof(V1NetworkPolicyEgressRule), "ports")] = Atomic;
        t[(typeof(V1NetworkPolicyEgressRule), "to")] = Atomic;
        t[(typeof(V1IPBlock), "except")] = Atomic;
        t[(typeof(V1IngressSpec), "rules")] = Atomic;
        t[(typeof(V1IngressSpec), "tls")] = Atomic;
        t[(typeof(V1IngressTLS), "hosts")] = Atomic;
        t[(typeof(V1HTTPIngressRuleValue), "paths")] = Atomic;
        t[(typeof(V1IngressLoadBalancerStatus), "ingress")] = Atomic;

        // rbac.authorization.k8s.io/v1
        t[(typeof(V1Role), "rules")] = Atomic;
        t[(typeof(V1ClusterRole), "rules")] = Atomic;
        t[(typeof(V1RoleBinding), "subjects")] = Atomic;
        t[(typeof(V1ClusterRoleBinding), "subjects")] = Atomic;
        t[(typeof(V1AggregationRule), "clusterRoleSelectors")] = Atomic;
        foreach (var field in new[] { "verbs", "apiGroups", "resources", "resourceNames", "nonResourceURLs" })
        {
            t[(typeof(V1PolicyRule), field)] = Atomic;
        }

        // discovery.k8s.io/v1
        t[(typeof(V1EndpointSlice), "endpoints")] = Atomic;
        t[(typeof(V1EndpointSlice), "ports")] = Atomic;
        t[(typeof(V1Endpoint), "addresses")] = Set;

        return t;
    }
}
