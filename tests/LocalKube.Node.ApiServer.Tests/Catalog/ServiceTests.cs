using k8s.Models;
using LocalKube.Node.ApiServer.Catalog;
using LocalKube.Node.ApiServer.Catalog.Core;
using NUnit.Framework;
using static LocalKube.Node.ApiServer.Tests.Catalog.CatalogTestKit;

namespace LocalKube.Node.ApiServer.Tests.Catalog;

[TestFixture]
public sealed class ServiceTests
{
    private static readonly ServiceStrategy Services = new();

    private static V1Service Svc(string type = "", params int[] ports) => new()
    {
        Metadata = Meta("web"),
        Spec = new V1ServiceSpec
        {
            Type = type,
            Selector = App(),
            Ports = (ports.Length == 0 ? [80] : ports).Select(p => new V1ServicePort { Port = p, Name = ports.Length > 1 ? $"p{p}" : null }).ToList(),
        },
    };

    [Test]
    public void Defaults_match_upstream()
    {
        var svc = Svc();
        Services.Default(svc);
        Assert.That(Json(svc.Spec), Is.EqualTo(
            """{"internalTrafficPolicy":"Cluster","ipFamilies":["IPv4"],"ipFamilyPolicy":"SingleStack","ports":[{"port":80,"protocol":"TCP","targetPort":80}],"selector":{"app":"web"},"sessionAffinity":"None","type":"ClusterIP"}"""));
        Assert.That(Json(svc.Status), Is.EqualTo("""{"loadBalancer":{}}"""));
    }

    [Test]
    public void Node_port_and_load_balancer_defaults()
    {
        var lb = Svc("LoadBalancer");
        lb.Spec.SessionAffinity = "ClientIP";
        Services.Default(lb);
        Assert.That((lb.Spec.ExternalTrafficPolicy, lb.Spec.AllocateLoadBalancerNodePorts, lb.Spec.SessionAffinityConfig.ClientIP.TimeoutSeconds), Is.EqualTo(("Cluster", (bool?)true, (int?)10800)));
        var headless = Svc();
        headless.Spec.ClusterIP = "None";
        headless.Spec.Selector = null;
        Services.Default(headless);
        Assert.That((headless.Spec.IpFamilyPolicy, headless.Spec.ClusterIPs.Single()), Is.EqualTo(("RequireDualStack", "None")));
    }

    private static IEnumerable<TestCaseData> Invalid()
    {
        yield return Case("no ports", s => s.Spec.Ports = [], "spec.ports: Required value (FieldValueRequired)");
        yield return Case("port zero", s => s.Spec.Ports[0].Port = 0, "spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive (FieldValueInvalid)");
        yield return Case("unnamed second port", s => s.Spec.Ports.Add(new V1ServicePort { Port = 443 }), "spec.ports[1].name: Required value (FieldValueRequired)");
        yield return Case("bad type", s => s.Spec.Type = "Magic",
            "spec.type: Unsupported value: \"Magic\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\" (FieldValueNotSupported)");
        yield return Case("node port on cluster IP", s => s.Spec.Ports[0].NodePort = 30080, "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP' (FieldValueForbidden)");
        yield return Case("bad cluster IP", s => s.Spec.ClusterIP = "10.96.0.300",
            "spec.clusterIPs[0]: Invalid value: \"10.96.0.300\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff) (FieldValueInvalid)");
        yield return Case("bad target port name", s => s.Spec.Ports[0].TargetPort = "Http_1",
            "spec.ports[0].targetPort: Invalid value: \"Http_1\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-) (FieldValueInvalid)");
        yield return Case("external name missing", s => s.Spec.Type = "ExternalName", "spec.externalName: Required value (FieldValueRequired)");
        yield return Case("name must be a DNS-1035 label", s => s.Metadata.Name = "1web",
            "metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?') (FieldValueInvalid)");
        yield return Case("duplicate port", s =>
        {
            s.Spec.Ports[0].Name = "a";
            s.Spec.Ports.Add(new V1ServicePort { Name = "b", Port = 80 });
        }, "spec.ports[1]: Duplicate value: core.ServicePort{Name:\"\", Protocol:\"TCP\", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0} (FieldValueDuplicate)");
    }

    private static TestCaseData Case(string name, Action<V1Service> mutate, string expected) => new TestCaseData(mutate, expected).SetName("Service invalid: " + name);

    [TestCaseSource(nameof(Invalid))]
    public void Invalid_service(Action<V1Service> mutate, string expected)
    {
        var svc = Svc();
        mutate(svc);
        Assert.That(CreateErrors(Services, svc), Does.Contain(expected));
    }

    [Test]
    public void Cluster_ip_may_not_change_and_is_carried_over_when_omitted()
    {
        var old = Svc();
        old.Spec.ClusterIP = "10.96.0.10";
        var changed = Clone(old);
        changed.Spec.ClusterIP = "10.96.0.11";
        changed.Spec.ClusterIPs = null;
        Assert.That(UpdateErrors(Services, changed, old), Is.EqualTo(new[]
        {
            "spec.clusterIPs[0]: Invalid value: []string{\"10.96.0.11\"}: may not change once set (FieldValueInvalid)",
        }));

        var omitted = Svc();
        Services.PrepareForUpdate(omitted, old);
        Assert.That(UpdateErrors(Services, omitted, old), Is.Empty);
        Assert.That(omitted.Spec.ClusterIPs, Is.EqualTo(new[] { "10.96.0.10" }));
    }

    [Test]
    public void Node_ports_are_carried_over_by_port_and_protocol()
    {
        var old = Svc("NodePort", 80, 443);
        old.Spec.Ports[0].NodePort = 30080;
        old.Spec.Ports[1].NodePort = 30443;
        Services.Default(old);
        var updated = Svc("NodePort", 443, 80);
        Services.PrepareForUpdate(updated, old);
        Assert.That(updated.Spec.Ports.Select(p => p.NodePort), Is.EqualTo(new int?[] { 30443, 30080 }));
    }

    private static IEnumerable<TestCaseData> Rows()
    {
        yield return new TestCaseData((Action<V1Service>)(s => s.Spec.ClusterIP = "10.96.0.10"), "ClusterIP", "10.96.0.10", "<none>", "80/TCP").SetName("Service row: cluster IP");
        yield return new TestCaseData((Action<V1Service>)(s =>
        {
            s.Spec.Type = "NodePort";
            s.Spec.ClusterIP = "10.96.0.11";
            s.Spec.Ports[0].NodePort = 30080;
            s.Spec.Ports.Add(new V1ServicePort { Name = "dns", Port = 53, Protocol = "UDP" });
        }), "NodePort", "10.96.0.11", "<none>", "80:30080/TCP,53/UDP").SetName("Service row: node port");
        yield return new TestCaseData((Action<V1Service>)(s => s.Spec.Type = "LoadBalancer"), "LoadBalancer", "<none>", "<pending>", "80/TCP").SetName("Service row: pending load balancer");
        yield return new TestCaseData((Action<V1Service>)(s =>
        {
            s.Spec.Type = "LoadBalancer";
            s.Status = new V1ServiceStatus { LoadBalancer = new V1LoadBalancerStatus { Ingress = [new V1LoadBalancerIngress { Ip = "172.18.0.2" }] } };
        }), "LoadBalancer", "<none>", "172.18.0.2", "80/TCP").SetName("Service row: load balancer");
        yield return new TestCaseData((Action<V1Service>)(s =>
        {
            s.Spec.Type = "ExternalName";
            s.Spec.ExternalName = "db.example.com";
            s.Spec.Ports = [];
        }), "ExternalName", "<none>", "db.example.com", "<none>").SetName("Service row: external name");
        yield return new TestCaseData((Action<V1Service>)(s => s.Spec.ClusterIP = "None"), "ClusterIP", "None", "<none>", "80/TCP").SetName("Service row: headless");
    }

    [TestCaseSource(nameof(Rows))]
    public void Row_cells(Action<V1Service> arrange, string type, string clusterIp, string externalIp, string ports)
    {
        var svc = Svc();
        arrange(svc);
        Services.Default(svc);
        Assert.That(Services.Cells(svc, Now), Is.EqualTo(new object?[] { "web", type, clusterIp, externalIp, ports, "5m", "app=web" }));
    }

    [Test]
    public void Field_selectors_include_cluster_ip_and_type()
    {
        var svc = Svc();
        svc.Spec.ClusterIP = "None";
        Services.Default(svc);
        var fields = Services.SelectableFields(svc);
        Assert.That((fields["spec.clusterIP"], fields["spec.type"]), Is.EqualTo(("None", "ClusterIP")));
    }
}
