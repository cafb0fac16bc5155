using System.Globalization;
using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Pods;
using LocalKube.Node.ApiServer.Catalog.Validation;

namespace LocalKube.Node.ApiServer.Catalog.Core;

/// <summary>Upstream's <c>ValidateService</c>: type, ports, target ports, cluster IPs, policies and selector.</summary>
public static class ServiceValidation
{
    private const string IpMessage = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";

    /// <summary>Validates the spec of <paramref name="svc"/>.</summary>
    public static void Validate(V1Service svc, FieldErrors errors)
    {
        var spec = svc.Spec ?? new V1ServiceSpec();
        var path = FieldPath.Root("spec");
        var headless = spec.ClusterIP == "None";
        var ports = spec.Ports ?? [];
        if (ports.Count == 0 && !headless && spec.Type != "ExternalName")
        {
            errors.Required(path.Child("ports"));
        }

        if (string.IsNullOrEmpty(spec.Type))
        {
            errors.Required(path.Child("type"));
        }
        else if (!ServiceStrategy.Types.Contains(spec.Type))
        {
            errors.NotSupported(path.Child("type"), spec.Type, ServiceStrategy.Types);
        }

        if (spec.Type == "ExternalName")
        {
            if (string.IsNullOrEmpty(spec.ExternalName))
            {
                errors.Required(path.Child("externalName"));
            }
            else
            {
                errors.InvalidEach(path.Child("externalName"), spec.ExternalName, Names.Dns1123Subdomain(spec.ExternalName.TrimEnd('.')));
            }
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var keys = new HashSet<(int, string)>();
        for (var i = 0; i < ports.Count; i++)
        {
            Port(ports[i], ports.Count > 1, names, spec.Type, path.Child("ports").Index(i), errors);
            if (!keys.Add((ports[i].Port, ports[i].Protocol ?? "")))
            {
                errors.Duplicate(path.Child("ports").Index(i), new GoValue.Verbatim(
                    $"core.ServicePort{{Name:\"\", Protocol:{GoValue.Quote(ports[i].Protocol ?? "")}, AppProtocol:(*string)(nil), Port:{ports[i].Port}, TargetPort:intstr.IntOrString{{Type:0, IntVal:0, StrVal:\"\"}}, NodePort:0}}"));
            }
        }

        var ips = spec.ClusterIPs ?? [];
        for (var i = 0; i < ips.Count; i++)
        {
            if (ips[i] != "None" && !Names.IsIp(ips[i]))
            {
                errors.Invalid(path.Child("clusterIPs").Index(i), ips[i], IpMessage);
            }
        }

        if (!string.IsNullOrEmpty(spec.ClusterIP) && ips.Count > 0 && ips[0] != spec.ClusterIP)
        {
            errors.Invalid(path.Child("clusterIPs"), ips, "element [0] must match clusterIP");
        }

        for (var i = 0; i < (spec.ExternalIPs?.Count ?? 0); i++)
        {
            if (!Names.IsIp(spec.ExternalIPs![i]))
            {
                errors.Invalid(path.Child("externalIPs").Index(i), spec.ExternalIPs[i], IpMessage);
            }
        }

        Enum(spec.SessionAffinity, ["ClientIP", "None"], path.Child("sessionAffinity"), errors, required: true);
        Enum(spec.InternalTrafficPolicy, ["Cluster", "Local"], path.Child("internalTrafficPolicy"), errors);
        Enum(spec.IpFamilyPolicy, ["PreferDualStack", "RequireDualStack", "SingleStack"], path.Child("ipFamilyPolicy"), errors);
        for (var i = 0; i < (spec.IpFamilies?.Count ?? 0); i++)
        {
            Enum(spec.IpFamilies![i], ["IPv4", "IPv6"], path.Child("ipFamilies").Index(i), errors);
        }

        if (!string.IsNullOrEmpty(spec.ExternalTrafficPolicy))
        {
            if (spec.Type is not ("NodePort" or "LoadBalancer"))
            {
                errors.Invalid(path.Child("externalTrafficPolicy"), spec.ExternalTrafficPolicy, "may only be set when `type` is 'NodePort' or 'LoadBalancer'");
            }
            else
            {
                Enum(spec.ExternalTrafficPolicy, ["Cluster", "Local"], path.Child("externalTrafficPolicy"), errors);
            }
        }

        CommonValidation.MapSelector(spec.Selector, path.Child("selector"), errors);
    }

    private static void Port(V1ServicePort port, bool requireName, HashSet<string> names, string? type, FieldPath path, FieldErrors errors)
    {
        if (requireName && string.IsNullOrEmpty(port.Name))
        {
            errors.Required(path.Child("name"));
        }
        else if (!string.IsNullOrEmpty(port.Name))
        {
            errors.InvalidEach(path.Child("name"), port.Name, Names.Dns1123Label(port.Name));
            if (!names.Add(port.Name))
            {
                errors.Duplicate(path.Child("name"), port.Name);
            }
        }

        errors.InvalidEach(path.Child("port"), port.Port, Names.PortNumber(port.Port));
        ContainerValidation.OneOf(port.Protocol, ContainerValidation.Protocols, path.Child("protocol"), errors);
        if (port.TargetPort?.Value is { } target)
        {
            if (int.TryParse(target, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
            {
                errors.InvalidEach(path.Child("targetPort"), n, Names.PortNumber(n));
            }
            else
            {
                errors.InvalidEach(path.Child("targetPort"), target, Names.PortName(target));
            }
        }

        if (type == "ClusterIP" && port.NodePort is > 0)
        {
            errors.Forbidden(path.Child("nodePort"), "may not be used when `type` is 'ClusterIP'");
        }
        else if (port.NodePort is { } np and not 0)
        {
            errors.InvalidEach(path.Child("nodePort"), np, Names.PortNumber(np));
        }
    }

    private static void Enum(string? value, IReadOnlyList<string> supported, FieldPath path, FieldErrors errors, bool required = false)
    {
        if (string.IsNullOrEmpty(value))
        {
            if (required)
            {
                errors.Required(path);
            }

            return;
        }

        if (!supported.Contains(value))
        {
            errors.NotSupported(path, value, supported);
        }
    }
}
