using k8s.Models;

namespace LocalKube.Node.ApiServer.Authorization;

/// <summary>
/// The default roles and bindings upstream creates at first start (bootstrappolicy): the user-facing cluster-admin,
/// admin, edit and view (the last three aggregated through the <c>aggregate-to-*</c> labels), discovery, basic-user
/// and public-info-viewer for everyone, and the system:* roles of the control-plane components we run or will run.
/// Rules are written compactly as verbs | groups | resources [| names]; facts from upstream's policy.
/// </summary>
public static partial class BootstrapPolicy
{
    /// <summary>Annotation that lets the reconciler keep a default role or binding up to date.</summary>
    public const string AutoUpdate = "rbac.authorization.kubernetes.io/autoupdate";

    /// <summary>Aggregation label prefix.</summary>
    public const string AggregateTo = "rbac.authorization.k8s.io/aggregate-to-";

    private const string Rw = "create,delete,deletecollection,patch,update";
    private const string Read = "get,list,watch";

    /// <summary>The default cluster roles.</summary>
    public static IReadOnlyList<V1ClusterRole> ClusterRoles() => [.. CoreClusterRoles(), .. ControllerRoles(), .. VolumeRoles()];

    /// <summary>
    /// The rules every kubelet gets from the node authorizer (upstream's <c>NodeRules()</c>): those of the
    /// <c>system:node</c> role, which no binding grants.
    /// </summary>
    public static IReadOnlyList<V1PolicyRule> NodeRules() => [.. CoreClusterRoles().Single(r => r.Metadata.Name == "system:node").Rules];

    /// <summary>
    /// Subjects earlier LocalKube releases bound and the reconciler now takes out again (binding name, subject): the
    /// <c>system:nodes</c> group on <c>system:node</c>, which let every kubelet read every Secret before the node
    /// authorizer existed.
    /// </summary>
    public static IReadOnlyList<(string Binding, Rbacv1Subject Subject)> RetiredSubjects { get; } = [("system:node", Group("system:nodes"))];

    /// <summary>The default cluster role bindings (role name = binding name, as upstream).</summary>
    public static IReadOnlyList<V1ClusterRoleBinding> ClusterRoleBindings() => [.. CoreClusterRoleBindings(), .. ControllerRoleBindings(), .. VolumeRoleBindings()];

    private static IReadOnlyList<V1ClusterRole> CoreClusterRoles() =>
    [
        Role("cluster-admin", null, null, R("*", "*", "*"), U("*", "*")),
        Role("admin", null, "admin"),
        Role("edit", "admin", "edit"),
        Role("view", "edit", "view"),
        Role("system:aggregate-to-admin", "admin", null,
            R("create", "authorization.k8s.io", "localsubjectaccessreviews"),
            R(Rw + "," + Read, "rbac.authorization.k8s.io", "rolebindings,roles")),
        Role("system:aggregate-to-edit", "edit", null,
            R(Read, "", "pods/attach,pods/exec,pods/portforward,pods/proxy,secrets,services/proxy"),
            R("impersonate", "", "serviceaccounts"),
            R(Rw, "", "pods,pods/attach,pods/exec,pods/portforward,pods/proxy"),
            R("create", "", "pods/eviction"),
            R(Rw, "", "configmaps,events,persistentvolumeclaims,replicationcontrollers,replicationcontrollers/scale,secrets,serviceaccounts,services,services/proxy"),
            R("create", "", "serviceaccounts/token"),
            R(Rw, "apps", "daemonsets,deployments,deployments/rollback,deployments/scale,replicasets,replicasets/scale,statefulsets,statefulsets/scale"),
            R(Rw, "autoscaling", "horizontalpodautoscalers"),
            R(Rw, "batch", "cronjobs,jobs"),
            R(Rw, "extensions", "daemonsets,deployments,deployments/rollback,deployments/scale,ingresses,networkpolicies,replicasets,replicasets/scale,replicationcontrollers/scale"),
            R(Rw, "policy", "poddisruptionbudgets"),
            R(Rw, "networking.k8s.io", "ingresses,networkpolicies"),
            R(Rw + "," + Read, "coordination.k8s.io", "leases")),
        Role("system:aggregate-to-view", "view", null,
            R(Read, "", "configmaps,endpoints,persistentvolumeclaims,persistentvolumeclaims/status,pods,replicationcontrollers,replicationcontrollers/scale,serviceaccounts,services,services/status"),
            R(Read, "", "bindings,events,limitranges,namespaces/status,pods/log,pods/status,replicationcontrollers/status,resourcequotas,resourcequotas/status"),
            R(Read, "", "namespaces"),
            R(Read, "discovery.k8s.io", "endpointslices"),
            R(Read, "apps", "controllerrevisions,daemonsets,daemonsets/status,deployments,deployments/scale,deployments/status,replicasets,replicasets/scale,replicasets/status,statefulsets,statefulsets/scale,statefulsets/status"),
            R(Read, "autoscaling", "horizontalpodautoscalers,horizontalpodautoscalers/status"),
            R(Read, "batch", "cronjobs,cronjobs/status,jobs,jobs/status"),
            R(Read, "extensions", "daemonsets,daemonsets/status,deployments,deployments/scale,deployments/status,ingresses,ingresses/status,networkpolicies,replicasets,replicasets/scale,replicasets/status,replicationcontrollers/scale"),
            R(Read, "policy", "poddisruptionbudgets,poddisruptionbudgets/status"),
            R(Read, "networking.k8s.io", "ingresses,ingresses/status,networkpolicies")),
        Role("system:discovery", null, null, U("get", "/api,/api/*,/apis,/apis/*,/healthz,/livez,/openapi,/openapi/*,/readyz,/version,/version/")),
        Role("system:public-info-viewer", null, null, U("get", "/healthz,/livez,/readyz,/version,/version/")),
        Role("system:basic-user", null, null,
            R("create", "authorization.k8s.io", "selfsubjectaccessreviews,selfsubjectrulesreviews"),
            R("create", "authentication.k8s.io", "selfsubjectreviews")),
        Role("system:monitoring", null, null, U("get", "/healthz,/healthz/*,/livez,/livez/*,/metrics,/metrics/slis,/readyz,/readyz/*")),
        Role("system:auth-delegator", null, null,
            R("create", "authentication.k8s.io", "tokenreviews"),
            R("create", "authorization.k8s.io", "subjectaccessreviews")),
        Role("system:service-account-issuer-discovery", null, null, U("get", "/.well-known/openid-configuration,/openid/v1/jwks")),
        Role("system:kube-scheduler", null, null,
            R("create,patch,update", ",events.k8s.io", "events"),
            R("create", "coordination.k8s.io", "leases"),
            R("get,update", "coordination.k8s.io", "leases", "kube-scheduler"),
            R(Read, "", "nodes"),
            R("delete," + Read, "", "pods"),
            R("create", "", "bindings,pods/binding"),
            R("patch,update", "", "pods/status"),
            R(Read, "", "replicationcontrollers,services"),
            R(Read, "apps,extensions", "replicasets"),
            R(Read, "apps", "statefulsets"),
            R(Read, "policy", "poddisruptionbudgets"),
            R(Read, "", "persistentvolumeclaims,persistentvolumes"),
            R("create", "authentication.k8s.io", "tokenreviews"),
            R("create", "authorization.k8s.io", "subjectaccessreviews"),
            R(Read, "storage.k8s.io", "csinodes"),
            R(Read, "", "namespaces"),
            R(Read, "storage.k8s.io", "csidrivers"),
            R(Read, "storage.k8s.io", "csistoragecapacities")),
        Role("system:kube-controller-manager", null, null,
            R("create,patch,update", ",events.k8s.io", "events"),
            R("create", "coordination.k8s.io", "leases"),
            R("get,update", "coordination.k8s.io", "leases", "kube-controller-manager"),
            R("create", "", "secrets,serviceaccounts"),
            R("delete", "", "secrets"),
            R("get", "", "configmaps,namespaces,secrets,serviceaccounts"),
            R("update", "", "secrets,serviceaccounts"),
            R("create", "authentication.k8s.io", "tokenreviews"),
            R("create", "authorization.k8s.io", "subjectaccessreviews"),
            R("list,watch", "*", "*"),
            R("create", "", "serviceaccounts/token")),
        Role("system:node", null, null,
            R("create", "authentication.k8s.io", "tokenreviews"),
            R("create", "authorization.k8s.io", "localsubjectaccessreviews,subjectaccessreviews"),
            R(Read, "", "services"),
            R("create," + Read, "", "nodes"),
            R("patch,update", "", "nodes/status"),
            R("patch,update", "", "nodes"),
            // Upstream's kubelet writes core/v1 Events; this one records through events.k8s.io/v1 (the same stored objects).
            R("create,patch,update", ",events.k8s.io", "events"),
            R(Read, "", "pods"),
            R("create,delete", "", "pods"),
            R("patch,update", "", "pods/status"),
            R("create", "", "pods/eviction"),
            R(Read, "", "configmaps,secrets"),
            R("get", "", "persistentvolumeclaims,persistentvolumes"),
            R("get", "", "endpoints"),
            R("create," + Read, "certificates.k8s.io", "certificatesigningrequests"),
            R("create,delete,get,patch,update", "coordination.k8s.io", "leases"),
            R("get", "storage.k8s.io", "volumeattachments"),
            R("create", "", "serviceaccounts/token"),
            R("get,patch,update", "", "persistentvolumeclaims/status"),
            R(Read, "storage.k8s.io", "csidrivers"),
            R("create,delete,get,patch,update", "storage.k8s.io", "csinodes"),
            R(Read, "node.k8s.io", "runtimeclasses")),
        Role("system:kubelet-api-admin", null, null,
            R(Read + ",proxy", "", "nodes"),
            R("*", "", "nodes/proxy,nodes/metrics,nodes/stats,nodes/log,nodes/spec,nodes/pods,nodes/healthz,nodes/configz")),
        Role("system:node-proxier", null, null,
            R("list,watch", "", "endpoints,services"),
            R(Read, "", "nodes"),
            R("create,patch,update", ",events.k8s.io", "events"),
            R("list,watch", "discovery.k8s.io", "endpointslices")),
    ];

    private static IReadOnlyList<V1ClusterRoleBinding> CoreClusterRoleBindings() =>
    [
        Binding("cluster-admin", Group("system:masters")),
        Binding("system:discovery", Group("system:authenticated")),
        Binding("system:basic-user", Group("system:authenticated")),
        Binding("system:public-info-viewer", Group("system:authenticated"), Group("system:unauthenticated")),
        Binding("system:monitoring", Group("system:monitoring")),
        Binding("system:service-account-issuer-discovery", Group("system:serviceaccounts")),
        Binding("system:kube-scheduler", User("system:kube-scheduler")),
        Binding("system:kube-controller-manager", User("system:kube-controller-manager")),
        Binding("system:node-proxier", User("system:kube-proxy")),

        // Without subjects, as upstream: kubelets are authorized by the node authorizer (NodeAuthorizer), which
        // grants this role's rules except where its graph narrows them (secrets, configmaps, volumes, tokens).
        Binding("system:node"),

        // Upstream leaves the role unbound for the installer to grant; the API server's kubelet client (its
        // certificate, kube-apiserver-kubelet-client) needs it to reach pods through the kubelet API.
        Binding("system:kubelet-api-admin", User("kube-apiserver-kubelet-client")),
    ];

    private static V1ClusterRole Role(string name, string? aggregateTo, string? aggregates, params V1PolicyRule[] rules)
    {
        var labels = new Dictionary<string, string> { ["kubernetes.io/bootstrapping"] = "rbac-defaults" };
        if (aggregateTo is not null)
        {
            labels[AggregateTo + aggregateTo] = "true";
        }

        return new V1ClusterRole
        {
            ApiVersion = "rbac.authorization.k8s.io/v1",
            Kind = "ClusterRole",
            Metadata = new V1ObjectMeta { Name = name, Labels = labels, Annotations = new Dictionary<string, string> { [AutoUpdate] = "true" } },
            AggregationRule = aggregates is null ? null : new V1AggregationRule
            {
                ClusterRoleSelectors = [new V1LabelSelector { MatchLabels = new Dictionary<string, string> { [AggregateTo + aggregates] = "true" } }],
            },
            Rules = aggregates is null ? [.. rules] : null,
        };
    }

    private static V1ClusterRoleBinding Binding(string name, params Rbacv1Subject[] subjects) => new()
    {
        ApiVersion = "rbac.authorization.k8s.io/v1",
        Kind = "ClusterRoleBinding",
        Metadata = new V1ObjectMeta
        {
            Name = name,
            Labels = new Dictionary<string, string> { ["kubernetes.io/bootstrapping"] = "rbac-defaults" },
            Annotations = new Dictionary<string, string> { [AutoUpdate] = "true" },
        },
        RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = name },
        Subjects = subjects.Length == 0 ? null : [.. subjects],
    };

    private static Rbacv1Subject Group(string name) => new() { Kind = "Group", ApiGroup = "rbac.authorization.k8s.io", Name = name };

    private static Rbacv1Subject ServiceAccount(string ns, string name) => new() { Kind = "ServiceAccount", Name = name, NamespaceProperty = ns };

    private static Rbacv1Subject User(string name) => new() { Kind = "User", ApiGroup = "rbac.authorization.k8s.io", Name = name };

    // verbs | groups ("" is the core group, so ",x" is core plus x) | resources [| names], each comma separated.
    private static V1PolicyRule R(string verbs, string groups, string resources, string? names = null) => new()
    {
        Verbs = verbs.Split(','),
        ApiGroups = groups.Split(','),
        Resources = resources.Split(','),
        ResourceNames = names?.Split(','),
    };

    private static V1PolicyRule U(string verbs, string urls) => new() { Verbs = verbs.Split(','), NonResourceURLs = urls.Split(',') };
}
