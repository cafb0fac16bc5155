using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Validation;

namespace LocalKube.Node.ApiServer.Catalog.Pods;

/// <summary>Upstream's <c>ValidatePodSpec</c> and <c>ValidatePodTemplateSpec</c>, shared by pods and all templates.</summary>
public static class PodSpecValidation
{
    /// <summary>Supported restart policies, in upstream's order.</summary>
    public static readonly IReadOnlyList<string> RestartPolicies = ["Always", "OnFailure", "Never"];

    /// <summary>Supported DNS policies, in upstream's order.</summary>
    public static readonly IReadOnlyList<string> DnsPolicies = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"];

    /// <summary>Validates a pod spec found at <paramref name="path"/> (e.g. <c>spec</c> or <c>spec.template.spec</c>).</summary>
    public static void Validate(V1PodSpec? spec, FieldPath path, FieldErrors errors)
    {
        if (spec is null)
        {
            errors.Required(path.Child("containers"));
            return;
        }

        var volumes = Volumes(spec.Volumes, path.Child("volumes"), errors);
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (spec.Containers is null || spec.Containers.Count == 0)
        {
            errors.Required(path.Child("containers"));
        }

        ContainerValidation.Validate(spec.InitContainers, volumes, names, path.Child("initContainers"), errors);
        ContainerValidation.Validate(spec.Containers, volumes, names, path.Child("containers"), errors);

        if (string.IsNullOrEmpty(spec.RestartPolicy))
        {
            errors.Required(path.Child("restartPolicy"));
        }
        else if (!RestartPolicies.Contains(spec.RestartPolicy))
        {
            errors.NotSupported(path.Child("restartPolicy"), spec.RestartPolicy, RestartPolicies);
        }

        if (string.IsNullOrEmpty(spec.DnsPolicy))
        {
            errors.Required(path.Child("dnsPolicy"));
        }
        else if (!DnsPolicies.Contains(spec.DnsPolicy))
        {
            errors.NotSupported(path.Child("dnsPolicy"), spec.DnsPolicy, DnsPolicies);
        }

        MetaValidation.Labels(spec.NodeSelector, path.Child("nodeSelector"), errors);
        Subdomain(spec.ServiceAccountName, path.Child("serviceAccountName"), errors);
        Subdomain(spec.NodeName, path.Child("nodeName"), errors);
        Subdomain(spec.PriorityClassName, path.Child("priorityClassName"), errors);
        Subdomain(spec.SchedulerName, path.Child("schedulerName"), errors);
        if (!string.IsNullOrEmpty(spec.Hostname))
        {
            errors.InvalidEach(path.Child("hostname"), spec.Hostname, Names.Dns1123Label(spec.Hostname));
        }

        if (!string.IsNullOrEmpty(spec.Subdomain))
        {
            errors.InvalidEach(path.Child("subdomain"), spec.Subdomain, Names.Dns1123Label(spec.Subdomain));
        }

        if (spec.ActiveDeadlineSeconds is { } ads and (<= 0 or > int.MaxValue))
        {
            errors.Invalid(path.Child("activeDeadlineSeconds"), ads, "must be between 1 and 2147483647, inclusive");
        }

        for (var i = 0; i < (spec.Tolerations?.Count ?? 0); i++)
        {
            var t = spec.Tolerations![i];
            var p = path.Child("tolerations").Index(i);
            if (t.OperatorProperty == "Exists" && !string.IsNullOrEmpty(t.Value))
            {
                errors.Invalid(p.Child("operator"), t.Value, "value must be empty when `operator` is 'Exists'");
            }
            else if (!string.IsNullOrEmpty(t.OperatorProperty) && t.OperatorProperty is not ("Exists" or "Equal"))
            {
                errors.NotSupported(p.Child("operator"), t.OperatorProperty, ["Equal", "Exists"]);
            }

            if (!string.IsNullOrEmpty(t.Effect) && t.Effect is not ("NoSchedule" or "PreferNoSchedule" or "NoExecute"))
            {
                errors.NotSupported(p.Child("effect"), t.Effect, ["NoExecute", "NoSchedule", "PreferNoSchedule"]);
            }
        }
    }

    /// <summary>
    /// Upstream's <c>ValidatePodTemplateSpec</c>: template labels and annotations, then the pod spec under
    /// <c>&lt;path&gt;.spec</c>.
    /// </summary>
    public static void ValidateTemplate(V1PodTemplateSpec? template, FieldPath path, FieldErrors errors)
    {
        if (template is null)
        {
            errors.Required(path);
            return;
        }

        MetaValidation.Labels(template.Metadata?.Labels, path.Child("metadata", "labels"), errors);
        MetaValidation.Annotations(template.Metadata?.Annotations, path.Child("metadata", "annotations"), errors);
        Validate(template.Spec, path.Child("spec"), errors);
    }

    /// <summary>
    /// The template rules of replicated workloads (<c>ValidatePodTemplateSpecForReplicaSet</c> and its kin): the
    /// selector must match the template labels, pods restart <c>Always</c>, and <c>activeDeadlineSeconds</c> is refused.
    /// </summary>
    public static void ValidateReplicatedTemplate(V1PodTemplateSpec? template, Func<IDictionary<string, string>?, bool> selects, string kindName, FieldPath path, FieldErrors errors)
    {
        if (template is null)
        {
            errors.Required(path);
            return;
        }

        if (!selects(template.Metadata?.Labels))
        {
            errors.Invalid(path.Child("metadata", "labels"), new GoValue.Verbatim(GoValue.MapLiteral(template.Metadata?.Labels)), "`selector` does not match template `labels`");
        }

        ValidateTemplate(template, path, errors);
        if (template.Spec is { } spec)
        {
            if (!string.IsNullOrEmpty(spec.RestartPolicy) && spec.RestartPolicy != "Always")
            {
                errors.NotSupported(path.Child("spec", "restartPolicy"), spec.RestartPolicy, ["Always"]);
            }

            if (spec.ActiveDeadlineSeconds is not null)
            {
                errors.Forbidden(path.Child("spec", "activeDeadlineSeconds"), $"activeDeadlineSeconds in {kindName} is not Supported");
            }
        }
    }

    private static HashSet<string> Volumes(IList<V1Volume>? volumes, FieldPath path, FieldErrors errors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (volumes?.Count ?? 0); i++)
        {
            var v = volumes![i];
            var p = path.Index(i);
            if (string.IsNullOrEmpty(v.Name))
            {
                errors.Required(p.Child("name"));
                continue;
            }

            errors.InvalidEach(p.Child("name"), v.Name, Names.Dns1123Label(v.Name));
            if (!names.Add(v.Name))
            {
                errors.Duplicate(p.Child("name"), v.Name);
            }

            if (v.PersistentVolumeClaim is { } pvc && string.IsNullOrEmpty(pvc.ClaimName))
            {
                errors.Required(p.Child("persistentVolumeClaim", "claimName"));
            }

            if (v.HostPath is { } hp && string.IsNullOrEmpty(hp.Path))
            {
                errors.Required(p.Child("hostPath", "path"));
            }
        }

        return names;
    }

    private static void Subdomain(string? value, FieldPath path, FieldErrors errors)
    {
        if (!string.IsNullOrEmpty(value))
        {
            errors.InvalidEach(path, value, Names.Dns1123Subdomain(value));
        }
    }
}
