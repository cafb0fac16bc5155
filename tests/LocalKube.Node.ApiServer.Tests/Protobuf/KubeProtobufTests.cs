using System.Text.Json.Nodes;
using Google.Protobuf.Reflection;
using LocalKube.Node.ApiServer.Protobuf;
using LocalKube.Node.ApiServer.Rest;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.Protobuf;

/// <summary>
/// Hand-built protobuf bodies, laid out as upstream's marshallers write them for kubectl's typed create commands,
/// decoded into the JSON the REST machinery expects: every listed kind, the special types, and the failures.
/// </summary>
[TestFixture]
public sealed class KubeProtobufTests
{
    [Test]
    public void Deployment_decodes_every_level_of_the_pod_template()
    {
        var container = new Pb().Str(1, "hello").Str(2, "x").Strs(3, "sh", "-c").Str(5, "")
            .Msg(6, new Pb().Str(1, "").Int(2, 0).Int(3, 80).Str(4, "TCP").Str(5, ""))
            .Msg(7, new Pb().Str(1, "MODE").Str(2, "prod"))
            .Msg(7, new Pb().Str(1, "KEY").Str(2, "").Msg(3, new Pb().Msg(4, new Pb().Msg(1, new Pb().Str(1, "s")).Str(2, "k").Bool(3, false))))
            .Msg(8, new Pb().Map(1, "cpu", Pb.Quantity("500m")).Map(2, "memory", Pb.Quantity("64Mi")))
            .Msg(9, new Pb().Str(1, "cfg").Bool(2, false).Str(3, "/etc/cfg").Str(4, "").Str(6, ""))
            .Msg(10, new Pb().Msg(1, new Pb().Msg(2, new Pb().Str(1, "/healthz").Msg(2, Pb.IntOrString("http")).Str(3, "").Str(4, "HTTP")))
                .Int(2, 5).Int(3, 1).Int(4, 10).Int(5, 1).Int(6, 3))
            .Str(13, "/dev/termination-log").Str(14, "IfNotPresent")
            .Msg(15, new Pb().Bool(6, true).Bool(7, false))
            .Bool(16, false).Bool(17, false).Bool(18, false).Str(20, "File");
        var podSpec = new Pb()
            .Msg(1, new Pb().Str(1, "cfg").Msg(2, new Pb().Msg(19, new Pb().Msg(1, new Pb().Str(1, "app-config")).Int(3, 420).Bool(4, true))))
            .Msg(2, container).Str(3, "Always").Int(4, 30).Str(6, "ClusterFirst").Str(8, "").Str(9, "").Str(10, "")
            .Bool(11, false).Bool(12, false).Bool(13, false).Msg(14, new Pb().Msg(4, new Pb()))
            .Str(16, "").Str(17, "").Str(19, "default-scheduler").Str(24, "");
        var template = new Pb().Msg(1, Pb.Meta("", "", ("app", "hello"))).Msg(2, podSpec);
        var spec = new Pb().Int(1, 2).Msg(2, new Pb().Map(1, "app", "hello")).Msg(3, template).Msg(4, new Pb()).Int(5, 0).Bool(7, false);

        var json = Decode("apps/v1", "Deployment", new Pb().Msg(1, Pb.Meta("hello", "", ("app", "hello"))).Msg(2, spec).Msg(3, new Pb()));

        AssertJson(json, """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"hello","labels":{"app":"hello"}},
             "spec":{"replicas":2,"selector":{"matchLabels":{"app":"hello"}},"strategy":{},
              "template":{"metadata":{"labels":{"app":"hello"}},"spec":{
               "volumes":[{"name":"cfg","configMap":{"name":"app-config","defaultMode":420,"optional":true}}],
               "containers":[{"name":"hello","image":"x","command":["sh","-c"],
                 "ports":[{"containerPort":80,"protocol":"TCP"}],
                 "env":[{"name":"MODE","value":"prod"},{"name":"KEY","valueFrom":{"secretKeyRef":{"name":"s","key":"k","optional":false}}}],
                 "resources":{"limits":{"cpu":"500m"},"requests":{"memory":"64Mi"}},
                 "volumeMounts":[{"name":"cfg","mountPath":"/etc/cfg"}],
                 "livenessProbe":{"httpGet":{"path":"/healthz","port":"http","scheme":"HTTP"},"initialDelaySeconds":5,"timeoutSeconds":1,"periodSeconds":10,"successThreshold":1,"failureThreshold":3},
                 "terminationMessagePath":"/dev/termination-log","imagePullPolicy":"IfNotPresent","terminationMessagePolicy":"File",
                 "securityContext":{"readOnlyRootFilesystem":true,"allowPrivilegeEscalation":false}}],
               "restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst","securityContext":{},
               "schedulerName":"default-scheduler"}}},
             "status":{}}
            """);
    }

    [Test]
    public void Replicas_zero_survives_because_the_field_is_a_pointer()
    {
        var json = Decode("apps/v1", "Deployment", new Pb().Msg(1, Pb.Meta("z")).Msg(2, new Pb().Int(1, 0).Int(5, 0)));
        Assert.That(json["spec"]!.ToJsonString(), Is.EqualTo("""{"replicas":0}"""));
    }

    [Test]
    public void Namespace_keeps_empty_spec_and_status_and_skips_unknown_fields()
    {
        var json = Decode("v1", "Namespace", new Pb().Msg(1, Pb.Meta("pb")).Msg(2, new Pb()).Msg(3, new Pb()).Str(99, "future field"));
        AssertJson(json, """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"pb"},"spec":{},"status":{}}""");
    }

    [Test]
    public void ConfigMap_keeps_empty_values_and_base64_encodes_binary_data()
    {
        var json = Decode("v1", "ConfigMap", new Pb().Msg(1, Pb.Meta("cm", "pb"))
            .Map(2, "a", "b").Map(2, "empty", "").Map(2, "app.properties", "x=1\ny=2\n").MapBytes(3, "blob", [0, 1, 2, 255]));
        AssertJson(json, """
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","namespace":"pb"},
             "data":{"a":"b","empty":"","app.properties":"x=1\ny=2\n"},"binaryData":{"blob":"AAEC/w=="}}
            """);
    }

    [Test]
    public void Secret_data_bytes_become_base64_and_immutable_false_is_kept()
    {
        var json = Decode("v1", "Secret", new Pb().Msg(1, Pb.Meta("s")).MapBytes(2, "a", "b"u8.ToArray()).Str(3, "Opaque").Bool(5, false));
        AssertJson(json, """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"data":{"a":"Yg=="},"type":"Opaque","immutable":false}""");

        var tls = Decode("v1", "Secret", new Pb().Msg(1, Pb.Meta("t"))
            .MapBytes(2, "tls.crt", "CERT"u8.ToArray()).MapBytes(2, "tls.key", "KEY"u8.ToArray()).Str(3, "kubernetes.io/tls"));
        AssertJson(tls, """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"t"},"data":{"tls.crt":"Q0VSVA==","tls.key":"S0VZ"},"type":"kubernetes.io/tls"}""");
    }

    [Test]
    public void Service_ports_carry_int_and_string_target_ports()
    {
        var spec = new Pb()
            .Msg(1, new Pb().Str(1, "80-8080").Str(2, "TCP").Int(3, 80).Msg(4, Pb.IntOrString(8080)).Int(5, 30080))
            .Msg(1, new Pb().Str(1, "web").Str(2, "TCP").Int(3, 443).Msg(4, Pb.IntOrString("https")).Int(5, 0))
            .Map(2, "app", "np").Str(3, "").Str(4, "NodePort").Str(7, "").Str(8, "").Str(10, "").Str(11, "").Int(12, 0).Bool(13, false);
        var json = Decode("v1", "Service", new Pb().Msg(1, Pb.Meta("np", "", ("app", "np"))).Msg(2, spec).Msg(3, new Pb().Msg(1, new Pb())));
        AssertJson(json, """
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"np","labels":{"app":"np"}},
             "spec":{"ports":[{"name":"80-8080","protocol":"TCP","port":80,"targetPort":8080,"nodePort":30080},
                              {"name":"web","protocol":"TCP","port":443,"targetPort":"https"}],
                     "selector":{"app":"np"},"type":"NodePort"},
             "status":{"loadBalancer":{}}}
            """);

        var external = Decode("v1", "Service", new Pb().Msg(1, Pb.Meta("en")).Msg(2, new Pb().Str(4, "ExternalName").Str(10, "example.com")));
        Assert.That(external["spec"]!.ToJsonString(), Is.EqualTo("""{"type":"ExternalName","externalName":"example.com"}"""));
    }

    [Test]
    public void ServiceAccount_keeps_automount_false()
    {
        var json = Decode("v1", "ServiceAccount", new Pb().Msg(1, Pb.Meta("sa")).Msg(3, new Pb().Str(1, "pull")).Bool(4, false));
        AssertJson(json, """{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"sa"},"imagePullSecrets":[{"name":"pull"}],"automountServiceAccountToken":false}""");
    }

    [Test]
    public void ResourceQuota_hard_limits_are_quantity_strings()
    {
        var json = Decode("v1", "ResourceQuota", new Pb().Msg(1, Pb.Meta("q"))
            .Msg(2, new Pb().Map(1, "cpu", Pb.Quantity("1")).Map(1, "memory", Pb.Quantity("1G")).Map(1, "pods", Pb.Quantity("2")).Strs(2, "BestEffort"))
            .Msg(3, new Pb()));
        AssertJson(json, """
            {"apiVersion":"v1","kind":"ResourceQuota","metadata":{"name":"q"},
             "spec":{"hard":{"cpu":"1","memory":"1G","pods":"2"},"scopes":["BestEffort"]},"status":{}}
            """);
    }

    [Test]
    public void Job_and_CronJob_decode_their_templates()
    {
        var podSpec = new Pb().Msg(2, new Pb().Str(1, "j").Str(2, "busybox").Strs(3, "echo", "hi")).Str(3, "Never");
        var jobSpec = new Pb().Msg(6, new Pb().Msg(1, Pb.Meta("")).Msg(2, podSpec)).Int(7, 0).Bool(10, false);
        var job = Decode("batch/v1", "Job", new Pb().Msg(1, Pb.Meta("j")).Msg(2, jobSpec).Msg(3, new Pb().Int(4, 0)));
        AssertJson(job, """
            {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"j"},
             "spec":{"template":{"metadata":{},"spec":{"containers":[{"name":"j","image":"busybox","command":["echo","hi"]}],"restartPolicy":"Never"}},
                     "backoffLimit":0,"suspend":false},
             "status":{}}
            """);

        var cron = Decode("batch/v1", "CronJob", new Pb().Msg(1, Pb.Meta("cj"))
            .Msg(2, new Pb().Str(1, "*/5 * * * *").Str(3, "").Msg(5, new Pb().Msg(1, Pb.Meta("cj")).Msg(2, jobSpec)))
            .Msg(3, new Pb()));
        Assert.That(cron["spec"]!["schedule"]!.GetValue<string>(), Is.EqualTo("*/5 * * * *"));
        Assert.That(cron["spec"]!.AsObject().ContainsKey("concurrencyPolicy"), Is.False);
        Assert.That(cron["spec"]!["jobTemplate"]!["metadata"]!["name"]!.GetValue<string>(), Is.EqualTo("cj"));
        Assert.That(cron["spec"]!["jobTemplate"]!["spec"]!["template"]!["spec"]!["containers"]![0]!["command"]!.ToJsonString(), Is.EqualTo("""["echo","hi"]"""));
    }

    [Test]
    public void Owner_references_keep_controller_true_and_block_owner_deletion()
    {
        var meta = Pb.Meta("from-cj").Map(12, "cronjob.kubernetes.io/instantiate", "manual")
            .Msg(13, new Pb().Str(1, "CronJob").Str(3, "cj").Str(4, "uid-1").Str(5, "batch/v1").Bool(6, true).Bool(7, false));
        var json = Decode("batch/v1", "Job", new Pb().Msg(1, meta).Msg(2, new Pb()));
        AssertJson(json["metadata"]!, """
            {"name":"from-cj","annotations":{"cronjob.kubernetes.io/instantiate":"manual"},
             "ownerReferences":[{"kind":"CronJob","name":"cj","uid":"uid-1","apiVersion":"batch/v1","controller":true,"blockOwnerDeletion":false}]}
            """);
    }

    [Test]
    public void PriorityClass_and_PodDisruptionBudget()
    {
        var pc = Decode("scheduling.k8s.io/v1", "PriorityClass", new Pb().Msg(1, Pb.Meta("pc")).Int(2, 1000).Bool(3, false).Str(4, "d").Str(5, "Never"));
        AssertJson(pc, """{"apiVersion":"scheduling.k8s.io/v1","kind":"PriorityClass","metadata":{"name":"pc"},"value":1000,"description":"d","preemptionPolicy":"Never"}""");

        var pdb = Decode("policy/v1", "PodDisruptionBudget", new Pb().Msg(1, Pb.Meta("pdb"))
            .Msg(2, new Pb().Msg(1, Pb.IntOrString(1)).Msg(2, new Pb().Map(1, "app", "x"))).Msg(3, new Pb()));
        AssertJson(pdb["spec"]!, """{"minAvailable":1,"selector":{"matchLabels":{"app":"x"}}}""");

        var percent = Decode("policy/v1", "PodDisruptionBudget", new Pb().Msg(1, Pb.Meta("pdb2"))
            .Msg(2, new Pb().Msg(2, new Pb().Msg(2, new Pb().Str(1, "app").Str(2, "In").Strs(3, "x", "y"))).Msg(3, Pb.IntOrString("50%"))));
        AssertJson(percent["spec"]!, """{"selector":{"matchExpressions":[{"key":"app","operator":"In","values":["x","y"]}]},"maxUnavailable":"50%"}""");
    }

    [Test]
    public void Rbac_roles_and_bindings_keep_the_empty_core_api_group()
    {
        var role = Decode("rbac.authorization.k8s.io/v1", "Role", new Pb().Msg(1, Pb.Meta("r"))
            .Msg(2, new Pb().Strs(1, "get", "list").Strs(2, "").Strs(3, "pods").Strs(4, "p1")));
        AssertJson(role, """
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"r"},
             "rules":[{"verbs":["get","list"],"apiGroups":[""],"resources":["pods"],"resourceNames":["p1"]}]}
            """);

        var binding = Decode("rbac.authorization.k8s.io/v1", "RoleBinding", new Pb().Msg(1, Pb.Meta("rb"))
            .Msg(2, new Pb().Str(1, "User").Str(2, "rbac.authorization.k8s.io").Str(3, "alice").Str(4, ""))
            .Msg(2, new Pb().Str(1, "ServiceAccount").Str(2, "").Str(3, "sa").Str(4, "pb"))
            .Msg(3, new Pb().Str(1, "rbac.authorization.k8s.io").Str(2, "Role").Str(3, "r")));
        AssertJson(binding, """
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"rb"},
             "subjects":[{"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"alice"},{"kind":"ServiceAccount","name":"sa","namespace":"pb"}],
             "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"r"}}
            """);

        var clusterRole = Decode("rbac.authorization.k8s.io/v1", "ClusterRole", new Pb().Msg(1, Pb.Meta("cr"))
            .Msg(2, new Pb().Strs(1, "get").Strs(5, "/logs"))
            .Msg(3, new Pb().Msg(1, new Pb().Map(1, "rbac.example.com/aggregate", "true"))));
        AssertJson(clusterRole, """
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"cr"},
             "rules":[{"verbs":["get"],"nonResourceURLs":["/logs"]}],
             "aggregationRule":{"clusterRoleSelectors":[{"matchLabels":{"rbac.example.com/aggregate":"true"}}]}}
            """);

        var clusterBinding = Decode("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", new Pb().Msg(1, Pb.Meta("crb"))
            .Msg(2, new Pb().Str(1, "Group").Str(2, "rbac.authorization.k8s.io").Str(3, "devs").Str(4, ""))
            .Msg(3, new Pb().Str(1, "rbac.authorization.k8s.io").Str(2, "ClusterRole").Str(3, "cr")));
        Assert.That(clusterBinding["subjects"]!.ToJsonString(), Is.EqualTo("""[{"kind":"Group","apiGroup":"rbac.authorization.k8s.io","name":"devs"}]"""));
    }

    [Test]
    public void Ingress_rule_values_are_lifted_into_the_rule()
    {
        var path = new Pb().Str(1, "/bar").Msg(2, new Pb().Msg(4, new Pb().Str(1, "svc1").Msg(2, new Pb().Str(1, "").Int(2, 8080)))).Str(3, "Exact");
        var spec = new Pb()
            .Msg(1, new Pb().Msg(4, new Pb().Str(1, "default").Msg(2, new Pb().Str(1, "http").Int(2, 0))))
            .Msg(2, new Pb().Strs(1, "foo.com").Str(2, "tls-secret"))
            .Msg(3, new Pb().Str(1, "foo.com").Msg(2, new Pb().Msg(1, new Pb().Msg(1, path))))
            .Str(4, "nginx");
        var json = Decode("networking.k8s.io/v1", "Ingress", new Pb().Msg(1, Pb.Meta("ing")).Msg(2, spec).Msg(3, new Pb().Msg(1, new Pb())));
        AssertJson(json, """
            {"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"ing"},
             "spec":{"defaultBackend":{"service":{"name":"default","port":{"name":"http"}}},
                     "tls":[{"hosts":["foo.com"],"secretName":"tls-secret"}],
                     "rules":[{"host":"foo.com","http":{"paths":[{"path":"/bar","backend":{"service":{"name":"svc1","port":{"number":8080}}},"pathType":"Exact"}]}}],
                     "ingressClassName":"nginx"},
             "status":{"loadBalancer":{}}}
            """);
    }

    [Test]
    public void TokenRequest_renames_the_bound_object_uid()
    {
        var spec = new Pb().Strs(1, "https://kubernetes.default.svc", "extra")
            .Msg(3, new Pb().Str(1, "Pod").Str(2, "v1").Str(3, "p").Str(4, "uid-7")).Int(4, 600);
        var json = Decode("authentication.k8s.io/v1", "TokenRequest", new Pb().Msg(1, Pb.Meta("")).Msg(2, spec).Msg(3, new Pb().Str(1, "").Msg(2, new Pb())));
        AssertJson(json, """
            {"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","metadata":{},
             "spec":{"audiences":["https://kubernetes.default.svc","extra"],"boundObjectRef":{"kind":"Pod","apiVersion":"v1","name":"p","uid":"uid-7"},"expirationSeconds":600},
             "status":{}}
            """);
    }

    [Test]
    public void SelfSubjectAccessReview_from_auth_can_i()
    {
        var attributes = new Pb().Str(1, "default").Str(2, "create").Str(3, "").Str(4, "").Str(5, "pods").Str(6, "").Str(7, "");
        var json = Decode("authorization.k8s.io/v1", "SelfSubjectAccessReview", new Pb().Msg(1, Pb.Meta(""))
            .Msg(2, new Pb().Msg(1, attributes)).Msg(3, new Pb().Bool(1, false).Str(2, "").Str(3, "").Bool(4, false)));
        AssertJson(json, """
            {"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview","metadata":{},
             "spec":{"resourceAttributes":{"namespace":"default","verb":"create","resource":"pods"}},"status":{}}
            """);

        var sar = Decode("authorization.k8s.io/v1", "SubjectAccessReview", new Pb().Msg(1, Pb.Meta(""))
            .Msg(2, new Pb().Msg(2, new Pb().Str(1, "/healthz").Str(2, "get")).Str(3, "bob").Strs(4, "devs")
                .Map(5, "scopes", new Pb().Strs(1, "a", "b"))));
        AssertJson(sar["spec"]!, """{"nonResourceAttributes":{"path":"/healthz","verb":"get"},"user":"bob","groups":["devs"],"extra":{"scopes":["a","b"]}}""");
    }

    [Test]
    public void Times_managed_fields_and_packed_lists()
    {
        var meta = Pb.Meta("t").Msg(9, new Pb().Int(1, 1_700_000_000)).Int(10, 0)
            .Msg(17, new Pb().Str(1, "kubectl").Str(2, "Update").Str(3, "v1").Msg(4, new Pb().Int(1, 1_700_000_000).Int(2, 5))
                .Str(6, "FieldsV1").Msg(7, new Pb().Bytes(1, """{"f:data":{".":{}}}"""u8.ToArray())).Str(8, ""));
        using var packed = new MemoryStream();
        var packedGroups = new Google.Protobuf.CodedOutputStream(packed, leaveOpen: true);
        packedGroups.WriteTag(4, Google.Protobuf.WireFormat.WireType.LengthDelimited);
        packedGroups.WriteLength(3);
        packedGroups.WriteInt64(1);
        packedGroups.WriteInt64(2);
        packedGroups.WriteInt64(3);
        packedGroups.Flush();
        var pod = new Pb().Msg(1, meta).Msg(2, new Pb().Bytes(14, packed.ToArray()));

        var json = Decode("v1", "Pod", pod);

        AssertJson(json["metadata"]!, """
            {"name":"t","deletionTimestamp":"2023-11-14T22:13:20Z","deletionGracePeriodSeconds":0,
             "managedFields":[{"manager":"kubectl","operation":"Update","apiVersion":"v1","time":"2023-11-14T22:13:20Z","fieldsType":"FieldsV1","fieldsV1":{"f:data":{".":{}}}}]}
            """);
        Assert.That(json["spec"]!["securityContext"]!["supplementalGroups"]!.ToJsonString(), Is.EqualTo("[1,2,3]"));
    }

    [Test]
    public void MicroTime_and_Duration_take_their_json_text()
    {
        var micro = KubeSchema.Find(KubeSchema.MicroTime)!;
        Assert.That(SpecialTypes.TryRead(micro, new Pb().Int(1, 1_700_000_000).Int(2, 123_456_789).ToArray(), out var value), Is.True);
        Assert.That(value!.GetValue<string>(), Is.EqualTo("2023-11-14T22:13:20.123456Z"));

        var duration = KubeSchema.Find(KubeSchema.Duration)!;
        Assert.That(SpecialTypes.TryRead(duration, new Pb().Int(1, 5_400_000_000_000).ToArray(), out value), Is.True);
        Assert.That(value!.GetValue<string>(), Is.EqualTo("1h30m0s"));
    }

    [TestCase(0L, "0s")]
    [TestCase(1L, "1ns")]
    [TestCase(1_500L, "1.5µs")]
    [TestCase(300_000_000L, "300ms")]
    [TestCase(1_500_000_000L, "1.5s")]
    [TestCase(61_000_000_000L, "1m1s")]
    [TestCase(3_600_000_000_000L, "1h0m0s")]
    [TestCase(-90_000_000_000L, "-1m30s")]
    public void Go_duration_text(long nanoseconds, string expected) => Assert.That(GoDuration.Format(nanoseconds), Is.EqualTo(expected));

    [Test]
    public void Missing_magic_is_a_400()
    {
        var e = Assert.Throws<StatusException>(() => KubeProtobuf.Decode("""{"kind":"ConfigMap"}"""u8));
        Assert.That(e!.Code, Is.EqualTo(400));
        Assert.That(e.Message, Does.Contain("does not appear to be a protobuf message"));
    }

    [Test]
    public void Truncated_message_is_a_400()
    {
        byte[] body = [.. "k8s\0"u8, .. new Pb().Msg(1, new Pb().Str(1, "v1").Str(2, "ConfigMap")).Bytes(2, [0x0a, 0x10, 0x0a]).ToArray()];
        var e = Assert.Throws<StatusException>(() => KubeProtobuf.Decode(body));
        Assert.That(e!.Code, Is.EqualTo(400));
        Assert.That(e.Message, Does.Contain("unable to decode ConfigMap from protobuf"));
    }

    [Test]
    public void A_kind_without_a_schema_is_a_415_naming_it()
    {
        var e = Assert.Throws<StatusException>(() => KubeProtobuf.Decode(Pb.Envelope("example.com/v1", "Widget", new Pb().Msg(1, Pb.Meta("n")))));
        Assert.That(e!.Code, Is.EqualTo(415));
        Assert.That(e.Message, Does.Contain("example.com/v1, Kind=Widget"));
    }

    [Test]
    public void A_content_encoding_is_a_415()
    {
        byte[] body = [.. "k8s\0"u8, .. new Pb().Msg(1, new Pb().Str(1, "v1").Str(2, "ConfigMap")).Bytes(2, []).Str(3, "gzip").ToArray()];
        Assert.That(Assert.Throws<StatusException>(() => KubeProtobuf.Decode(body))!.Code, Is.EqualTo(415));
    }

    [Test]
    public void Object_body_routes_by_media_type()
    {
        Assert.That(ObjectBody.Accepts(KubeProtobuf.MediaType), Is.True);
        Assert.That(ObjectBody.Accepts("application/yaml"), Is.False);
        Assert.That(ObjectBody.Parse("application/json", null, """{"kind":"ConfigMap"}"""u8)["kind"]!.GetValue<string>(), Is.EqualTo("ConfigMap"));
        var fromProtobuf = ObjectBody.Parse(KubeProtobuf.MediaType, null, Pb.Envelope("v1", "ConfigMap", new Pb().Msg(1, Pb.Meta("cm"))));
        Assert.That(fromProtobuf.ToJsonString(), Is.EqualTo("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm"}}"""));
        Assert.That(Assert.Throws<StatusException>(() => ObjectBody.Parse("text/plain", "text/plain", "x"u8))!.Code, Is.EqualTo(415));
    }

    private static JsonObject Decode(string apiVersion, string kind, Pb message) => KubeProtobuf.Decode(Pb.Envelope(apiVersion, kind, message));

    private static void AssertJson(JsonNode actual, string expected) =>
        Assert.That(JsonNode.DeepEquals(actual, JsonNode.Parse(expected)), Is.True, $"got {actual.ToJsonString()}");
}
