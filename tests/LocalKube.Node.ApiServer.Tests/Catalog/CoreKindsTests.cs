using k8s.Models;
using LocalKube.Node.ApiServer.Catalog;
using LocalKube.Node.ApiServer.Catalog.Core;
using LocalKube.Node.ApiServer.Catalog.Events;
using LocalKube.Node.ApiServer.Catalog.Validation;
using NUnit.Framework;
using static LocalKube.Node.ApiServer.Tests.Catalog.CatalogTestKit;

namespace LocalKube.Node.ApiServer.Tests.Catalog;

[TestFixture]
public sealed class CoreKindsTests
{
    [Test]
    public void Endpoints()
    {
        var s = new EndpointsStrategy();
        var ep = new V1Endpoints
        {
            Metadata = Meta("web"),
            Subsets = [new V1EndpointSubset
            {
                Addresses = [new V1EndpointAddress { Ip = "10.0.0.1" }, new V1EndpointAddress { Ip = "10.0.0.2" }],
                Ports = [new Corev1EndpointPort { Port = 80, Name = "http" }, new Corev1EndpointPort { Port = 443, Name = "https" }],
            }],
        };
        Assert.That(CreateErrors(s, ep), Is.Empty);
        Assert.That(ep.Subsets[0].Ports[0].Protocol, Is.EqualTo("TCP"));
        Assert.That(s.Cells(ep, Now), Is.EqualTo(new object?[] { "web", "10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...", "5m" }));
        Assert.That(s.Cells(new V1Endpoints { Metadata = Meta("none") }, Now)[1], Is.EqualTo("<none>"));
        ep.Subsets[0].Addresses[0].Ip = "nope";
        Assert.That(CreateErrors(s, ep), Does.Contain("subsets[0].addresses[0].ip: Invalid value: \"nope\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff) (FieldValueInvalid)"));
    }

    [Test]
    public void Service_accounts()
    {
        var s = new ServiceAccountStrategy();
        var sa = new V1ServiceAccount { Metadata = Meta("builder"), Secrets = [new V1ObjectReference { Name = "t" }] };
        Assert.That(CreateErrors(s, sa), Is.Empty);
        Assert.That(s.Cells(sa, Now), Is.EqualTo(new object?[] { "builder", 1L, "5m" }));
    }

    [Test]
    public void Nodes()
    {
        var s = new NodeStrategy();
        var node = new V1Node
        {
            Metadata = Meta("localkube", ns: null),
            Spec = new V1NodeSpec { Unschedulable = true },
            Status = new V1NodeStatus
            {
                Conditions = [new V1NodeCondition { Type = "Ready", Status = "True" }],
                Addresses = [new V1NodeAddress { Type = "InternalIP", Address = "192.168.49.2" }],
                NodeInfo = new V1NodeSystemInfo { KubeletVersion = "v1.32.0", OsImage = "Debian GNU/Linux 12 (bookworm)", KernelVersion = "6.1.0", ContainerRuntimeVersion = "containerd://1.7" },
            },
        };
        node.Metadata.Labels = new Dictionary<string, string> { ["node-role.kubernetes.io/control-plane"] = "", ["kubernetes.io/role"] = "master" };
        Assert.That(CreateErrors(s, node), Is.Empty);
        Assert.That(s.Cells(node, Now), Is.EqualTo(new object?[]
        {
            "localkube", "Ready,SchedulingDisabled", "control-plane,master", "5m", "v1.32.0", "192.168.49.2", "<none>", "Debian GNU/Linux 12 (bookworm)", "6.1.0", "containerd://1.7",
        }));
        Assert.That(NodeStrategy.StatusCell(new V1Node()), Is.EqualTo("Unknown"));
        Assert.That(s.SelectableFields(node)["spec.unschedulable"], Is.EqualTo("true"));
        node.Spec.Taints = [new V1Taint { Key = "k", Effect = "Sometimes" }];
        Assert.That(CreateErrors(s, node), Does.Contain("spec.taints[0].effect: Unsupported value: \"Sometimes\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\" (FieldValueNotSupported)"));
        var namespaced = new V1Node { Metadata = Meta("n", ns: "default") };
        Assert.That(CreateErrors(s, namespaced), Does.Contain("metadata.namespace: Forbidden: not allowed on this type (FieldValueForbidden)"));
    }

    private static Corev1Event Event() => new()
    {
        Metadata = Meta("web.17a"),
        InvolvedObject = new V1ObjectReference { Kind = "Pod", Name = "web", NamespaceProperty = "default", Uid = "u1", ApiVersion = "v1", FieldPath = "spec.containers{app}" },
        Reason = "Pulled",
        Message = "Successfully pulled image \"nginx\"\n",
        Type = "Normal",
        Source = new V1EventSource { Component = "kubelet", Host = "localkube" },
        FirstTimestamp = Now.AddMinutes(-10).UtcDateTime,
        LastTimestamp = Now.AddMinutes(-2).UtcDateTime,
        Count = 3,
    };

    [Test]
    public void Core_events()
    {
        var s = new EventStrategy();
        var ev = Event();
        Assert.That(CreateErrors(s, ev), Is.Empty);
        Assert.That(s.Cells(ev, Now), Is.EqualTo(new object?[]
        {
            "2m", "Normal", "Pulled", "pod/web", "spec.containers{app}", "kubelet, localkube", "Successfully pulled image \"nginx\"", "10m", 3L, "web.17a",
        }));
        Assert.That(s.Columns.Select(c => c.Name), Is.EqualTo(new[] { "Last Seen", "Type", "Reason", "Object", "Subobject", "Source", "Message", "First Seen", "Count", "Name" }));
        var fields = s.SelectableFields(ev);
        Assert.That((fields["involvedObject.kind"], fields["involvedObject.name"], fields["involvedObject.uid"], fields["reason"], fields["source"], fields["type"]),
            Is.EqualTo(("Pod", "web", "u1", "Pulled", "kubelet", "Normal")));
        ev.InvolvedObject.NamespaceProperty = "other";
        Assert.That(CreateErrors(s, ev), Is.EqualTo(new[] { "involvedObject.namespace: Invalid value: \"other\": does not match event.namespace (FieldValueInvalid)" }));
    }

    [Test]
    public void Events_v1_round_trip_through_core_storage_and_check_new_rules()
    {
        var s = new EventsV1EventStrategy();
        var ev = new Eventsv1Event
        {
            ApiVersion = "events.k8s.io/v1",
            Kind = "Event",
            Metadata = Meta("web.1"),
            EventTime = Now.AddMinutes(-1).UtcDateTime,
            Regarding = new V1ObjectReference { Kind = "Pod", Name = "web", NamespaceProperty = "default" },
            Reason = "Started", Note = "Started container", Type = "Normal", Action = "Start",
            ReportingController = "localkube.io/kubelet", ReportingInstance = "node-1",
        };
        Assert.That(CreateErrors(s, ev), Is.Empty);
        var core = (Corev1Event)s.ToStorage(ev);
        Assert.That((core.Message, core.InvolvedObject.Name, core.ReportingComponent), Is.EqualTo(("Started container", "web", "localkube.io/kubelet")));
        Assert.That(Json(s.FromStorage(core)), Is.EqualTo(Json(ev)));
        Assert.That(s.Cells(ev, Now).Take(4), Is.EqualTo(new object?[] { "60s", "Normal", "Started", "pod/web" }));
        Assert.That(s.SelectableFields(ev)["regarding.name"], Is.EqualTo("web"));

        var bad = new Eventsv1Event { Metadata = Meta("x"), Type = "Odd" };
        Assert.That(CreateErrors(s, bad), Is.SupersetOf(new[]
        {
            "eventTime: Required value (FieldValueRequired)",
            "type: Invalid value: \"\": has invalid value: Odd (FieldValueInvalid)",
            "reportingController: Required value (FieldValueRequired)",
            "action: Required value (FieldValueRequired)",
        }));
    }

    [Test]
    public void Persistent_volumes()
    {
        var s = new PersistentVolumeStrategy();
        var pv = new V1PersistentVolume
        {
            Metadata = Meta("pv1", ns: null),
            Spec = new V1PersistentVolumeSpec
            {
                Capacity = new Dictionary<string, ResourceQuantity> { ["storage"] = new("10Gi") },
                AccessModes = ["ReadWriteOnce", "ReadOnlyMany"],
                HostPath = new V1HostPathVolumeSource { Path = "/data" },
                ClaimRef = new V1ObjectReference { NamespaceProperty = "default", Name = "data" },
                StorageClassName = "standard",
            },
            Status = new V1PersistentVolumeStatus { Phase = "Bound" },
        };
        Assert.That(CreateErrors(s, pv), Is.Empty);
        Assert.That((pv.Spec.PersistentVolumeReclaimPolicy, pv.Spec.VolumeMode), Is.EqualTo(("Retain", "Filesystem")));
        Assert.That(s.Cells(pv, Now), Is.EqualTo(new object?[] { "pv1", "10Gi", "RWO,ROX", "Retain", "Bound", "default/data", "standard", "<unset>", "", "5m", "Filesystem" }));
        var none = new V1PersistentVolume { Metadata = Meta("pv2", ns: null), Spec = new V1PersistentVolumeSpec { AccessModes = ["ReadWriteMany"], Capacity = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") } } };
        Assert.That(CreateErrors(s, none), Does.Contain("spec: Required value: must specify a volume type (FieldValueRequired)"));
    }

    [Test]
    public void Persistent_volume_claims()
    {
        var s = new PersistentVolumeClaimStrategy();
        var pvc = new V1PersistentVolumeClaim
        {
            Metadata = Meta("data"),
            Spec = new V1PersistentVolumeClaimSpec
            {
                AccessModes = ["ReadWriteOnce"],
                Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") } },
                StorageClassName = "standard",
            },
        };
        Assert.That(CreateErrors(s, pvc), Is.Empty);
        Assert.That((pvc.Status.Phase, pvc.Spec.VolumeMode), Is.EqualTo(("Pending", "Filesystem")));
        Assert.That(s.Cells(pvc, Now), Is.EqualTo(new object?[] { "data", "Pending", "", "", "", "standard", "<unset>", "5m", "Filesystem" }));

        var bound = Clone(pvc);
        bound.Spec.VolumeName = "pv1";
        bound.Status = new V1PersistentVolumeClaimStatus { Phase = "Bound", AccessModes = ["ReadWriteOnce"], Capacity = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") } };
        Assert.That(UpdateErrors(s, bound, pvc), Is.Empty);
        Assert.That(s.Cells(bound, Now).Take(5), Is.EqualTo(new object?[] { "data", "Bound", "pv1", "1Gi", "RWO" }));
        var grown = Clone(bound);
        grown.Spec.Resources.Requests["storage"] = new ResourceQuantity("2Gi");
        Assert.That(UpdateErrors(s, grown, bound), Is.Empty);
        var recl = Clone(bound);
        recl.Spec.StorageClassName = "fast";
        Assert.That(UpdateErrors(s, recl, bound), Is.EqualTo(new[] { $"spec: Forbidden: {PersistentVolumeClaimStrategy.ForbiddenUpdateMessage} (FieldValueForbidden)" }));

        var empty = new V1PersistentVolumeClaim { Metadata = Meta("x"), Spec = new V1PersistentVolumeClaimSpec() };
        Assert.That(CreateErrors(s, empty), Is.SupersetOf(new[] { "spec.accessModes: Required value (FieldValueRequired)", "spec.resources[storage]: Required value (FieldValueRequired)" }));
    }

    [Test]
    public void Limit_ranges_and_quotas()
    {
        var lr = new LimitRangeStrategy();
        var range = new V1LimitRange
        {
            Metadata = Meta("limits"),
            Spec = new V1LimitRangeSpec { Limits = [new V1LimitRangeItem { Type = "Container", Max = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("2") } }] },
        };
        Assert.That(CreateErrors(lr, range), Is.Empty);
        Assert.That((range.Spec.Limits[0].DefaultProperty["cpu"].ToString(), range.Spec.Limits[0].DefaultRequest["cpu"].ToString()), Is.EqualTo(("2", "2")));
        Assert.That(lr.Cells(range, Now), Is.EqualTo(new object?[] { "limits", "2025-01-10T11:55:00Z" }));

        var rq = new ResourceQuotaStrategy();
        var quota = new V1ResourceQuota
        {
            Metadata = Meta("quota"),
            Spec = new V1ResourceQuotaSpec { Hard = new Dictionary<string, ResourceQuantity> { ["pods"] = new("10") } },
            Status = new V1ResourceQuotaStatus
            {
                Hard = new Dictionary<string, ResourceQuantity> { ["pods"] = new("10"), ["limits.cpu"] = new("4"), ["requests.cpu"] = new("2") },
                Used = new Dictionary<string, ResourceQuantity> { ["pods"] = new("3"), ["limits.cpu"] = new("1"), ["requests.cpu"] = new("500m") },
            },
        };
        Assert.That(CreateErrors(rq, quota), Is.Empty);
        Assert.That(rq.Cells(quota, Now), Is.EqualTo(new object?[] { "quota", "5m", "pods: 3/10, requests.cpu: 500m/2", "limits.cpu: 1/4" }));
        quota.Spec.Scopes = ["Sometimes"];
        Assert.That(CreateErrors(rq, quota), Has.Length.EqualTo(1));
    }
}
