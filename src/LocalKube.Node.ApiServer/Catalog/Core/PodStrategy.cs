using System.Text.Json;
using k8s;
using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Pods;
using LocalKube.Node.ApiServer.Catalog.Printing;
using LocalKube.Node.ApiServer.Catalog.Validation;
using LocalKube.Node.ApiServer.Discovery;
using LocalKube.Node.ApiServer.Resources;

namespace LocalKube.Node.ApiServer.Catalog.Core;

/// <summary>core/v1 pods: defaulting, validation (with upstream's narrow update rules), printing and field selectors.</summary>
public sealed class PodStrategy : ResourceStrategy<V1Pod>, IDeletionStrategy
{
    /// <summary>The first part of upstream's message for a forbidden pod spec update.</summary>
    public const string ForbiddenUpdateMessage =
        "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

    private static readonly IReadOnlyList<TableColumn> PodColumns =
    [
        Cols.Name,
        Cols.Text("Ready", "The aggregate readiness state of this pod for accepting traffic."),
        Cols.Text("Status", "The aggregate status of the containers in this pod."),
        Cols.Text("Restarts", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
        Cols.Age,
        Cols.Text("IP", "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.", 1),
        Cols.Text("Node", "NodeName indicates in which node this pod is scheduled.", 1),
        Cols.Text("Nominated Node", "nominatedNodeName is set only when this pod preempts other pods on the node.", 1),
        Cols.Text("Readiness Gates", "If specified, all readiness gates will be evaluated for pod readiness.", 1),
    ];

    /// <summary>Creates the strategy.</summary>
    public PodStrategy()
        : base(Descriptors.Of("", "v1", "Pod", "pods", true, shortNames: ["po"], categories: ["all"], subresources:
            [
                new ApiSubresourceDescriptor("attach", ["create", "get"]) { Kind = "PodAttachOptions" },
                new ApiSubresourceDescriptor("binding", ["create"]) { Kind = "Binding" },
                new ApiSubresourceDescriptor("ephemeralcontainers", Descriptors.GetPatchUpdate),
                new ApiSubresourceDescriptor("eviction", ["create"]) { Group = "policy", Version = "v1", Kind = "Eviction" },
                new ApiSubresourceDescriptor("exec", ["create", "get"]) { Kind = "PodExecOptions" },
                new ApiSubresourceDescriptor("log", ["get"]),
                new ApiSubresourceDescriptor("portforward", ["create", "get"]) { Kind = "PodPortForwardOptions" },
                new ApiSubresourceDescriptor("proxy", Descriptors.ProxyVerbs) { Kind = "PodProxyOptions" },
                Descriptors.Status,
            ]), "pods", hasGeneration: false)
    {
    }

    /// <inheritdoc />
    public bool ReturnDeletedObject => true;

    /// <summary>
    /// Upstream's graceful pod deletion: the request's period, else the pod's <c>terminationGracePeriodSeconds</c>;
    /// at once for pods never scheduled or already finished; a negative request counts as 1 second.
    /// </summary>
    public long GracePeriodSeconds(IKubernetesObject<V1ObjectMeta> obj, long? requested)
    {
        var pod = (V1Pod)obj;
        if (string.IsNullOrEmpty(pod.Spec?.NodeName) || pod.Status?.Phase is "Succeeded" or "Failed")
        {
            return 0;
        }

        var period = requested ?? pod.Spec?.TerminationGracePeriodSeconds ?? 30;
        return period < 0 ? 1 : period;
    }

    /// <inheritdoc />
    public bool PrepareForDeletion(IKubernetesObject<V1ObjectMeta> obj) => false;

    /// <inheritdoc />
    public override IReadOnlyList<TableColumn> Columns => PodColumns;

    /// <summary>Upstream's QoS class of a pod spec: BestEffort, Guaranteed or Burstable.</summary>
    public static string QosClass(V1PodSpec spec)
    {
        var containers = (spec.Containers ?? []).Concat(spec.InitContainers ?? []).ToList();
        static bool Has(IDictionary<string, ResourceQuantity>? m, string r) => m is not null && m.TryGetValue(r, out var q) && q is not null && QuantityMath.Sign(q) != 0;
        if (containers.All(c => !new[] { "cpu", "memory" }.Any(r => Has(c.Resources?.Requests, r) || Has(c.Resources?.Limits, r))))
        {
            return "BestEffort";
        }

        var guaranteed = containers.All(c => new[] { "cpu", "memory" }.All(r =>
            Has(c.Resources?.Limits, r)
            && (!Has(c.Resources?.Requests, r) || QuantityMath.Compare(c.Resources!.Requests![r], c.Resources.Limits![r]) == 0)));
        return guaranteed ? "Guaranteed" : "Burstable";
    }

    /// <inheritdoc />
    protected override void Default(V1Pod obj)
    {
        obj.Spec ??= new V1PodSpec();
        var unnamedAccount = string.IsNullOrEmpty(obj.Spec.ServiceAccountName) && string.IsNullOrEmpty(obj.Spec.ServiceAccount);
        PodSpecDefaults.ApplyToPod(obj.Spec);

        // Upstream's ServiceAccount admission, not defaulting, names the account, and it leaves mirror pods without
        // one (NodeRestriction refuses a kubelet's mirror pod that names any).
        if (unnamedAccount && obj.Metadata?.Annotations?.ContainsKey("kubernetes.io/config.mirror") == true)
        {
            obj.Spec.ServiceAccountName = null;
            obj.Spec.ServiceAccount = null;
        }

        obj.Status ??= new V1PodStatus();
        if (string.IsNullOrEmpty(obj.Status.Phase))
        {
            obj.Status.Phase = "Pending";
        }

        if (string.IsNullOrEmpty(obj.Status.QosClass))
        {
            obj.Status.QosClass = QosClass(obj.Spec);
        }
    }

    /// <inheritdoc />
    protected override void Validate(V1Pod obj, FieldErrors errors) =>
        PodSpecValidation.Validate(obj.Spec, FieldPath.Root("spec"), errors);

    /// <inheritdoc />
    protected override void ValidateUpdate(V1Pod obj, V1Pod old, FieldErrors errors)
    {
        Validate(obj, errors);
        var spec = FieldPath.Root("spec");
        if (obj.Spec is null || old.Spec is null)
        {
            return;
        }

        if ((obj.Spec.Containers?.Count ?? 0) != (old.Spec.Containers?.Count ?? 0))
        {
            errors.Forbidden(spec.Child("containers"), "pod updates may not add or remove containers");
            return;
        }

        // Mask what may change (images, deadline, tolerations, grace period, scheduling gates), then anything
        // still different is a forbidden change, as upstream does.
        var masked = Json.Clone(obj.Spec);
        for (var i = 0; i < (masked.Containers?.Count ?? 0); i++)
        {
            masked.Containers![i].Image = old.Spec.Containers![i].Image;
        }

        if ((masked.InitContainers?.Count ?? 0) == (old.Spec.InitContainers?.Count ?? 0))
        {
            for (var i = 0; i < (masked.InitContainers?.Count ?? 0); i++)
            {
                masked.InitContainers![i].Image = old.Spec.InitContainers![i].Image;
            }
        }

        masked.EphemeralContainers = old.Spec.EphemeralContainers;
        EphemeralContainerValidation.ValidateUpdate(obj.Spec, old.Spec, spec, errors);
        masked.ActiveDeadlineSeconds = old.Spec.ActiveDeadlineSeconds;
        masked.Tolerations = old.Spec.Tolerations;
        masked.TerminationGracePeriodSeconds = old.Spec.TerminationGracePeriodSeconds;
        masked.SchedulingGates = old.Spec.SchedulingGates;
        if (string.IsNullOrEmpty(old.Spec.NodeName))
        {
            masked.NodeName = old.Spec.NodeName;
        }

        if (!Json.SemanticEquals(masked, old.Spec))
        {
            errors.Forbidden(spec, ForbiddenUpdateMessage);
        }
    }

    /// <inheritdoc />
    protected override IReadOnlyList<object?> Row(V1Pod obj, DateTimeOffset now) => PodPrinter.Cells(obj, now);

    /// <inheritdoc />
    protected override void AddSelectableFields(V1Pod obj, IDictionary<string, string> fields)
    {
        fields["spec.nodeName"] = obj.Spec?.NodeName ?? "";
        fields["spec.restartPolicy"] = obj.Spec?.RestartPolicy ?? "";
        fields["spec.schedulerName"] = obj.Spec?.SchedulerName ?? "";
        fields["spec.serviceAccountName"] = obj.Spec?.ServiceAccountName ?? "";
        fields["spec.hostNetwork"] = obj.Spec?.HostNetwork == true ? "true" : "false";
        fields["status.phase"] = obj.Status?.Phase ?? "";
        fields["status.podIP"] = obj.Status?.PodIPs is { Count: > 0 } ips ? ips[0].Ip ?? "" : obj.Status?.PodIP ?? "";
        fields["status.nominatedNodeName"] = obj.Status?.NominatedNodeName ?? "";
    }

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, string>? SelectableFieldsOfJson(ReadOnlyMemory<byte> json)
    {
        // The same values as AddSelectableFields reads from the typed pod (stored JSON is always the server's own).
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var metadata = Member(root, "metadata");
        var spec = Member(root, "spec");
        var status = Member(root, "status");
        var ips = Member(status, "podIPs");
        var firstIp = ips.ValueKind == JsonValueKind.Array && ips.GetArrayLength() > 0 ? Text(ips[0], "ip") : null;
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["metadata.name"] = Text(metadata, "name") ?? "",
            ["metadata.namespace"] = Text(metadata, "namespace") ?? "",
            ["spec.nodeName"] = Text(spec, "nodeName") ?? "",
            ["spec.restartPolicy"] = Text(spec, "restartPolicy") ?? "",
            ["spec.schedulerName"] = Text(spec, "schedulerName") ?? "",
            ["spec.serviceAccountName"] = Text(spec, "serviceAccountName") ?? "",
            ["spec.hostNetwork"] = Member(spec, "hostNetwork").ValueKind == JsonValueKind.True ? "true" : "false",
            ["status.phase"] = Text(status, "phase") ?? "",
            ["status.podIP"] = ips.ValueKind == JsonValueKind.Array && ips.GetArrayLength() > 0 ? firstIp ?? "" : Text(status, "podIP") ?? "",
            ["status.nominatedNodeName"] = Text(status, "nominatedNodeName") ?? "",
        };

        static JsonElement Member(JsonElement element, string name) =>
            element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : default;

        static string? Text(JsonElement element, string name) =>
            Member(element, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;
    }
}
