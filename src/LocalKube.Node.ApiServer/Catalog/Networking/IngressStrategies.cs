using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Printing;
using LocalKube.Node.ApiServer.Catalog.Validation;
using LocalKube.Node.ApiServer.Resources;

namespace LocalKube.Node.ApiServer.Catalog.Networking;

/// <summary>networking.k8s.io/v1 ingresses (stored under <c>ingress</c>, as upstream).</summary>
public sealed class IngressStrategy : ResourceStrategy<V1Ingress>
{
    /// <summary>Supported path types, sorted as upstream lists them.</summary>
    public static readonly IReadOnlyList<string> PathTypes = ["Exact", "ImplementationSpecific", "Prefix"];

    private static readonly IReadOnlyList<TableColumn> IngressColumns =
    [
        Cols.Name,
        Cols.Text("Class", "The name of the IngressClass resource that should be used for additional configuration"),
        Cols.Text("Hosts", "Hosts that incoming requests are matched against before the ingress rule"),
        Cols.Text("Address", "Address is a list containing ingress points for the load-balancer"),
        Cols.Text("Ports", "Ports of TLS configurations that open"),
        Cols.Age,
    ];

    /// <summary>Creates the strategy.</summary>
    public IngressStrategy()
        : base(Descriptors.Of("networking.k8s.io", "v1", "Ingress", "ingresses", true, shortNames: ["ing"], subresources: [Descriptors.Status]),
            "ingress", hasGeneration: true)
    {
    }

    /// <inheritdoc />
    public override IReadOnlyList<TableColumn> Columns => IngressColumns;

    /// <inheritdoc />
    protected override void Validate(V1Ingress obj, FieldErrors errors)
    {
        var spec = obj.Spec ?? new V1IngressSpec();
        var path = FieldPath.Root("spec");
        if (spec.DefaultBackend is null && (spec.Rules is null || spec.Rules.Count == 0))
        {
            errors.Invalid(path, new GoValue.Verbatim("networking.IngressSpec{...}"), "either `defaultBackend` or `rules` must be specified");
        }

        if (spec.DefaultBackend is { } backend)
        {
            Backend(backend, path.Child("defaultBackend"), errors);
        }

        if (!string.IsNullOrEmpty(spec.IngressClassName))
        {
            errors.InvalidEach(path.Child("ingressClassName"), spec.IngressClassName, Names.Dns1123Subdomain(spec.IngressClassName));
        }

        for (var i = 0; i < (spec.Rules?.Count ?? 0); i++)
        {
            var rule = spec.Rules![i];
            var rp = path.Child("rules").Index(i);
            if (!string.IsNullOrEmpty(rule.Host))
            {
                var host = rule.Host.StartsWith("*.", StringComparison.Ordinal) ? rule.Host[2..] : rule.Host;
                if (Names.IsIp(rule.Host))
                {
                    errors.Invalid(rp.Child("host"), rule.Host, "must be a DNS name, not an IP address");
                }
                else
                {
                    errors.InvalidEach(rp.Child("host"), rule.Host, Names.Dns1123Subdomain(host));
                }
            }

            var paths = rule.Http?.Paths ?? [];
            if (rule.Http is not null && paths.Count == 0)
            {
                errors.Required(rp.Child("http", "paths"));
            }

            for (var j = 0; j < paths.Count; j++)
            {
                var p = paths[j];
                var pp = rp.Child("http", "paths").Index(j);
                if (string.IsNullOrEmpty(p.PathType))
                {
                    errors.Required(pp.Child("pathType"), "pathType must be specified");
                }
                else if (!PathTypes.Contains(p.PathType))
                {
                    errors.NotSupported(pp.Child("pathType"), p.PathType, PathTypes);
                }
                else if (p.PathType != "ImplementationSpecific" && !(p.Path ?? "").StartsWith('/'))
                {
                    errors.Invalid(pp.Child("path"), p.Path ?? "", "must be an absolute path");
                }

                if (p.Backend is null)
                {
                    errors.Required(pp.Child("backend"));
                }
                else
                {
                    Backend(p.Backend, pp.Child("backend"), errors);
                }
            }
        }

        for (var i = 0; i < (spec.Tls?.Count ?? 0); i++)
        {
            var tls = spec.Tls![i];
            for (var j = 0; j < (tls.Hosts?.Count ?? 0); j++)
            {
                var host = tls.Hosts![j].StartsWith("*.", StringComparison.Ordinal) ? tls.Hosts[j][2..] : tls.Hosts[j];
                errors.InvalidEach(path.Child("tls").Index(i).Child("hosts").Index(j), tls.Hosts[j], Names.Dns1123Subdomain(host));
            }
        }
    }

    /// <inheritdoc />
    protected override IReadOnlyList<object?> Row(V1Ingress obj, DateTimeOffset now)
    {
        var rules = obj.Spec?.Rules ?? [];
        var hosts = rules.Select(r => r.Host).Where(h => !string.IsNullOrEmpty(h)).ToList();
        var hostCell = hosts.Count == 0 ? "*"
            : rules.Count > 3 ? string.Join(",", rules.Take(3).Select(r => r.Host).Where(h => !string.IsNullOrEmpty(h))) + $" + {rules.Count - 3} more..."
            : string.Join(",", hosts);
        var address = string.Join(",", (obj.Status?.LoadBalancer?.Ingress ?? [])
            .Select(i => !string.IsNullOrEmpty(i.Ip) ? i.Ip : i.Hostname).Where(a => !string.IsNullOrEmpty(a)).Distinct());
        return
        [
            obj.Metadata?.Name, obj.Spec?.IngressClassName ?? "<none>", hostCell, address, obj.Spec?.Tls is { Count: > 0 } ? "80, 443" : "80", AgeOf(obj, now),
        ];
    }

    private static void Backend(V1IngressBackend backend, FieldPath path, FieldErrors errors)
    {
        if (backend.Service is not null && backend.Resource is not null)
        {
            errors.Invalid(path, new GoValue.Verbatim(""), "cannot set both resource and service backends");
        }
        else if (backend.Service is { } svc)
        {
            if (string.IsNullOrEmpty(svc.Name))
            {
                errors.Required(path.Child("service", "name"));
            }
            else
            {
                errors.InvalidEach(path.Child("service", "name"), svc.Name, Names.Dns1035Label(svc.Name));
            }

            var port = svc.Port;
            if (port is null || (string.IsNullOrEmpty(port.Name) && port.Number is null))
            {
                errors.Required(path.Child("service", "port"), "port name or number is required");
            }
            else if (!string.IsNullOrEmpty(port.Name) && port.Number is not null)
            {
                errors.Invalid(path.Child("service", "port"), port.Name, "cannot set both port name & port number");
            }
            else if (port.Number is { } n)
            {
                errors.InvalidEach(path.Child("service", "port", "number"), n, Names.PortNumber(n));
            }
            else
            {
                errors.InvalidEach(path.Child("service", "port", "name"), port.Name, Names.PortName(port.Name!));
            }
        }
        else if (backend.Resource is null)
        {
            errors.Invalid(path, new GoValue.Verbatim(""), "resource or service backend is required");
        }
    }
}

/// <summary>networking.k8s.io/v1 ingress classes (cluster-scoped; the controller is immutable).</summary>
public sealed class IngressClassStrategy : ResourceStrategy<V1IngressClass>
{
    private static readonly IReadOnlyList<TableColumn> ClassColumns =
    [
        Cols.Name,
        Cols.Text("Controller", "Controller that is responsible for handling this class"),
        Cols.Text("Parameters", "A reference to a resource with additional parameters"),
        Cols.Age,
    ];

    /// <summary>Creates the strategy.</summary>
    public IngressClassStrategy()
        : base(Descriptors.Of("networking.k8s.io", "v1", "IngressClass", "ingressclasses", false), "ingressclasses", hasGeneration: true)
    {
    }

    /// <inheritdoc />
    public override IReadOnlyList<TableColumn> Columns => ClassColumns;

    /// <inheritdoc />
    protected override void Validate(V1IngressClass obj, FieldErrors errors)
    {
        var controller = obj.Spec?.Controller;
        var path = FieldPath.Root("spec", "controller");
        if (string.IsNullOrEmpty(controller))
        {
            errors.Required(path);
        }
        else if (controller.Length > 250)
        {
            errors.TooLong(path, 250);
        }
        else
        {
            var slash = controller.IndexOf('/');
            if (slash <= 0 || Names.Dns1123Subdomain(controller[..slash]).Count > 0)
            {
                errors.Invalid(path, controller, "must be a domain-prefixed path (such as \"acme.io/foo\")");
            }
        }

        if (obj.Spec?.Parameters is { } ps)
        {
            var pp = FieldPath.Root("spec", "parameters");
            if (string.IsNullOrEmpty(ps.Kind))
            {
                errors.Required(pp.Child("kind"));
            }

            if (string.IsNullOrEmpty(ps.Name))
            {
                errors.Required(pp.Child("name"));
            }

            if (ps.Scope is { } scope && scope is not ("Cluster" or "Namespace"))
            {
                errors.NotSupported(pp.Child("scope"), scope, ["Cluster", "Namespace"]);
            }
        }
    }

    /// <inheritdoc />
    protected override void ValidateUpdate(V1IngressClass obj, V1IngressClass old, FieldErrors errors)
    {
        Validate(obj, errors);
        CommonValidation.Immutable(obj.Spec?.Controller, old.Spec?.Controller, FieldPath.Root("spec", "controller"), errors);
    }

    /// <inheritdoc />
    protected override IReadOnlyList<object?> Row(V1IngressClass obj, DateTimeOffset now)
    {
        var parameters = "<none>";
        if (obj.Spec?.Parameters is { } p)
        {
            parameters = (string.IsNullOrEmpty(p.ApiGroup) ? p.Kind : $"{p.Kind}.{p.ApiGroup}") + "/" + p.Name;
        }

        return [obj.Metadata?.Name, obj.Spec?.Controller ?? "", parameters, AgeOf(obj, now)];
    }
}
