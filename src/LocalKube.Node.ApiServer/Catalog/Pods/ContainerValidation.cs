using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Validation;

namespace LocalKube.Node.ApiServer.Catalog.Pods;

/// <summary>Upstream's per-container checks (names, images, policies, ports, env, mounts, resources).</summary>
public static class ContainerValidation
{
    /// <summary>Supported <c>imagePullPolicy</c> values, in upstream's order.</summary>
    public static readonly IReadOnlyList<string> PullPolicies = ["Always", "IfNotPresent", "Never"];

    /// <summary>Supported <c>terminationMessagePolicy</c> values, sorted as upstream lists them.</summary>
    public static readonly IReadOnlyList<string> TerminationMessagePolicies = ["FallbackToLogsOnError", "File"];

    /// <summary>Supported port protocols, sorted as upstream lists them.</summary>
    public static readonly IReadOnlyList<string> Protocols = ["SCTP", "TCP", "UDP"];

    /// <summary>
    /// Validates a container list; <paramref name="names"/> is shared across containers and init containers so a
    /// name may be used once per pod.
    /// </summary>
    public static void Validate(IList<V1Container>? containers, ISet<string> volumes, ISet<string> names, FieldPath path, FieldErrors errors)
    {
        for (var i = 0; i < (containers?.Count ?? 0); i++)
        {
            var c = containers![i];
            var p = path.Index(i);
            if (string.IsNullOrEmpty(c.Name))
            {
                errors.Required(p.Child("name"));
            }
            else
            {
                errors.InvalidEach(p.Child("name"), c.Name, Names.Dns1123Label(c.Name));
                if (!names.Add(c.Name))
                {
                    errors.Duplicate(p.Child("name"), c.Name);
                }
            }

            if (string.IsNullOrEmpty(c.Image))
            {
                errors.Required(p.Child("image"));
            }
            else if (c.Image.Trim() != c.Image)
            {
                errors.Invalid(p.Child("image"), c.Image, "must not have leading or trailing whitespace");
            }

            OneOf(c.ImagePullPolicy, PullPolicies, p.Child("imagePullPolicy"), errors);
            OneOf(c.TerminationMessagePolicy, TerminationMessagePolicies, p.Child("terminationMessagePolicy"), errors);
            Ports(c.Ports, p.Child("ports"), errors);
            Env(c.Env, p.Child("env"), errors);
            Mounts(c.VolumeMounts, volumes, p.Child("volumeMounts"), errors);
            Resources(c.Resources, p.Child("resources"), errors);
        }
    }

    /// <summary>Required when empty, NotSupported when not one of <paramref name="supported"/>.</summary>
    public static void OneOf(string? value, IReadOnlyList<string> supported, FieldPath path, FieldErrors errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            errors.Required(path);
        }
        else if (!supported.Contains(value))
        {
            errors.NotSupported(path, value, supported);
        }
    }

    private static void Ports(IList<V1ContainerPort>? ports, FieldPath path, FieldErrors errors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (ports?.Count ?? 0); i++)
        {
            var port = ports![i];
            var p = path.Index(i);
            if (!string.IsNullOrEmpty(port.Name))
            {
                var msgs = Names.PortName(port.Name);
                errors.InvalidEach(p.Child("name"), port.Name, msgs);
                if (msgs.Count == 0 && !names.Add(port.Name))
                {
                    errors.Duplicate(p.Child("name"), port.Name);
                }
            }

            if (port.ContainerPort == 0)
            {
                errors.Required(p.Child("containerPort"));
            }
            else
            {
                errors.InvalidEach(p.Child("containerPort"), port.ContainerPort, Names.PortNumber(port.ContainerPort));
            }

            if (port.HostPort is { } hostPort and not 0)
            {
                errors.InvalidEach(p.Child("hostPort"), hostPort, Names.PortNumber(hostPort));
            }

            OneOf(port.Protocol, Protocols, p.Child("protocol"), errors);
        }
    }

    private static void Env(IList<V1EnvVar>? env, FieldPath path, FieldErrors errors)
    {
        for (var i = 0; i < (env?.Count ?? 0); i++)
        {
            var e = env![i];
            var p = path.Index(i);
            if (string.IsNullOrEmpty(e.Name))
            {
                errors.Required(p.Child("name"));
            }
            else
            {
                errors.InvalidEach(p.Child("name"), e.Name, Names.EnvVarName(e.Name));
            }

            if (e.ValueFrom is not null && !string.IsNullOrEmpty(e.Value))
            {
                errors.Invalid(p.Child("valueFrom"), "", "may not be specified when `value` is not empty");
            }
        }
    }

    private static void Mounts(IList<V1VolumeMount>? mounts, ISet<string> volumes, FieldPath path, FieldErrors errors)
    {
        var paths = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (mounts?.Count ?? 0); i++)
        {
            var m = mounts![i];
            var p = path.Index(i);
            if (string.IsNullOrEmpty(m.Name))
            {
                errors.Required(p.Child("name"));
            }
            else if (!volumes.Contains(m.Name))
            {
                errors.NotFound(p.Child("name"), m.Name);
            }

            if (string.IsNullOrEmpty(m.MountPath))
            {
                errors.Required(p.Child("mountPath"));
            }
            else if (!paths.Add(m.MountPath))
            {
                errors.Invalid(p.Child("mountPath"), m.MountPath, "must be unique");
            }
        }
    }

    private static void Resources(V1ResourceRequirements? resources, FieldPath path, FieldErrors errors)
    {
        if (resources is null)
        {
            return;
        }

        foreach (var (kind, map) in new[] { ("limits", resources.Limits), ("requests", resources.Requests) })
        {
            foreach (var (name, q) in map ?? new Dictionary<string, ResourceQuantity>())
            {
                if (q is not null && QuantityMath.Sign(q) < 0)
                {
                    errors.Invalid(path.Child(kind).Key(name), QuantityMath.Format(q), "must be greater than or equal to 0");
                }
            }
        }

        foreach (var (name, request) in resources.Requests ?? new Dictionary<string, ResourceQuantity>())
        {
            if (resources.Limits is not null && resources.Limits.TryGetValue(name, out var limit) && limit is not null && request is not null
                && QuantityMath.Compare(request, limit) > 0)
            {
                errors.Invalid(path.Child("requests").Key(name), QuantityMath.Format(request), $"must be less than or equal to {name} limit of {QuantityMath.Format(limit)}");
            }
        }
    }
}
