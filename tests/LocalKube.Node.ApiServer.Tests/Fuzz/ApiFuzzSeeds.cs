using System.Text.Json.Nodes;
using LocalKube.Node.ApiServer.Tests.Protobuf;

namespace LocalKube.Node.ApiServer.Tests.Fuzz;

/// <summary>
/// Valid objects to start mutating from: a full one for the kinds with a spec worth breaking, and for every other
/// kind discovery lists, its bare apiVersion/kind/metadata. Protobuf seeds for the kinds kubectl's typed generators send.
/// </summary>
internal static class ApiFuzzSeeds
{
    private const string PodSpec = """
        {"containers":[{"name":"app","image":"nginx:1.27","ports":[{"containerPort":80,"protocol":"TCP","name":"http"}],
          "env":[{"name":"A","value":"1"},{"name":"B","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}}],
          "resources":{"limits":{"cpu":"500m","memory":"64Mi"},"requests":{"cpu":"100m"}},
          "readinessProbe":{"httpGet":{"path":"/","port":"http"},"periodSeconds":5},
          "volumeMounts":[{"name":"data","mountPath":"/data"}],"imagePullPolicy":"IfNotPresent"}],
         "volumes":[{"name":"data","emptyDir":{}}],"restartPolicy":"Always","terminationGracePeriodSeconds":30,
         "nodeSelector":{"kubernetes.io/os":"linux"},"tolerations":[{"key":"k","operator":"Exists","effect":"NoSchedule"}]}
        """;

    private static readonly Dictionary<string, string> Specs = new(StringComparer.Ordinal)
    {
        ["Pod"] = """{"spec":""" + PodSpec + """}""",
        ["ConfigMap"] = """{"data":{"a":"1","b.txt":"line\nline"},"binaryData":{"bin":"AAEC"}}""",
        ["Secret"] = """{"type":"Opaque","data":{"password":"c2VjcmV0"},"stringData":{"user":"admin"}}""",
        ["Service"] = """{"spec":{"selector":{"app":"web"},"ports":[{"name":"http","port":80,"targetPort":8080,"protocol":"TCP"}],"type":"ClusterIP"}}""",
        ["Deployment"] = """{"spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":1}},"template":{"metadata":{"labels":{"app":"web"}},"spec":""" + PodSpec + """}}}""",
        ["ReplicaSet"] = """{"spec":{"replicas":1,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":""" + PodSpec + """}}}""",
        ["StatefulSet"] = """{"spec":{"serviceName":"web","replicas":1,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":""" + PodSpec + """},"volumeClaimTemplates":[{"metadata":{"name":"data"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}]}}""",
        ["DaemonSet"] = """{"spec":{"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":""" + PodSpec + """}}}""",
        ["Job"] = """{"spec":{"backoffLimit":2,"completions":1,"parallelism":1,"template":{"spec":{"containers":[{"name":"c","image":"busybox","command":["sh","-c","true"]}],"restartPolicy":"Never"}}}}""",
        ["CronJob"] = """{"spec":{"schedule":"*/5 * * * *","concurrencyPolicy":"Forbid","jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"c","image":"busybox"}],"restartPolicy":"OnFailure"}}}}}}""",
        ["ReplicationController"] = """{"spec":{"replicas":1,"selector":{"app":"web"},"template":{"metadata":{"labels":{"app":"web"}},"spec":""" + PodSpec + """}}}""",
        ["PodTemplate"] = """{"template":{"metadata":{"labels":{"app":"web"}},"spec":""" + PodSpec + """}}""",
        ["PersistentVolume"] = """{"spec":{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce"],"hostPath":{"path":"/tmp/pv"},"persistentVolumeReclaimPolicy":"Retain"}}""",
        ["PersistentVolumeClaim"] = """{"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}},"storageClassName":"standard"}}""",
        ["LimitRange"] = """{"spec":{"limits":[{"type":"Container","default":{"cpu":"500m"},"defaultRequest":{"cpu":"100m"},"max":{"memory":"1Gi"}}]}}""",
        ["ResourceQuota"] = """{"spec":{"hard":{"pods":"100","requests.cpu":"10","limits.memory":"10Gi"}}}""",
        ["Endpoints"] = """{"subsets":[{"addresses":[{"ip":"10.0.0.1"}],"ports":[{"name":"http","port":80,"protocol":"TCP"}]}]}""",
        ["EndpointSlice"] = """{"addressType":"IPv4","endpoints":[{"addresses":["10.0.0.1"],"conditions":{"ready":true}}],"ports":[{"name":"http","port":80,"protocol":"TCP"}]}""",
        ["HorizontalPodAutoscaler"] = """{"spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"minReplicas":1,"maxReplicas":5}}""",
        ["Ingress"] = """{"spec":{"ingressClassName":"nginx","rules":[{"host":"a.example.com","http":{"paths":[{"path":"/","pathType":"Prefix","backend":{"service":{"name":"web","port":{"number":80}}}}]}}],"tls":[{"hosts":["a.example.com"],"secretName":"tls"}]}}""",
        ["IngressClass"] = """{"spec":{"controller":"example.com/ingress"}}""",
        ["NetworkPolicy"] = """{"spec":{"podSelector":{"matchLabels":{"app":"web"}},"policyTypes":["Ingress"],"ingress":[{"from":[{"ipBlock":{"cidr":"10.0.0.0/8","except":["10.1.0.0/16"]}}],"ports":[{"port":80,"protocol":"TCP"}]}]}}""",
        ["PodDisruptionBudget"] = """{"spec":{"minAvailable":1,"selector":{"matchLabels":{"app":"web"}}}}""",
        ["StorageClass"] = """{"provisioner":"k8s.io/minikube-hostpath","reclaimPolicy":"Delete","volumeBindingMode":"Immediate","parameters":{"a":"b"}}""",
        ["PriorityClass"] = """{"value":1000,"globalDefault":false,"description":"fuzz"}""",
        ["Role"] = """{"rules":[{"apiGroups":[""],"resources":["pods"],"verbs":["get","list"]}]}""",
        ["ClusterRole"] = """{"rules":[{"apiGroups":["apps"],"resources":["deployments"],"verbs":["*"]},{"nonResourceURLs":["/healthz"],"verbs":["get"]}]}""",
        ["RoleBinding"] = """{"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"r"},"subjects":[{"kind":"ServiceAccount","name":"default","namespace":"fuzz"}]}""",
        ["ClusterRoleBinding"] = """{"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"},"subjects":[{"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"u"}]}""",
        ["Lease"] = """{"spec":{"holderIdentity":"x","leaseDurationSeconds":15,"renewTime":"2025-01-01T00:00:00.000000Z"}}""",
        ["Event"] = """{"involvedObject":{"kind":"Pod","name":"p","namespace":"fuzz"},"reason":"Fuzz","message":"m","type":"Normal","firstTimestamp":"2025-01-01T00:00:00Z","count":1}""",
        ["Node"] = """{"spec":{"taints":[{"key":"k","value":"v","effect":"NoSchedule"}]},"status":{"capacity":{"cpu":"2","memory":"1Gi"}}}""",
        ["Namespace"] = """{"spec":{"finalizers":["kubernetes"]}}""",
        ["ServiceAccount"] = """{"automountServiceAccountToken":false,"secrets":[{"name":"s"}]}""",
        ["ControllerRevision"] = """{"revision":1,"data":{"a":1}}""",
        ["TokenReview"] = """{"spec":{"token":"abc"}}""",
        ["SelfSubjectAccessReview"] = """{"spec":{"resourceAttributes":{"verb":"get","resource":"pods","namespace":"fuzz"}}}""",
        ["SelfSubjectRulesReview"] = """{"spec":{"namespace":"fuzz"}}""",
    };

    /// <summary>A valid object of <paramref name="resource"/>'s kind named <paramref name="name"/> (in <paramref name="ns"/> when namespaced).</summary>
    public static JsonObject Object(FuzzResource resource, string name, string? ns)
    {
        var obj = Specs.TryGetValue(resource.Kind, out var spec) ? JsonNode.Parse(spec)!.AsObject() : [];
        var meta = new JsonObject { ["name"] = name, ["labels"] = new JsonObject { ["fuzz"] = "yes", ["app"] = "web" }, ["annotations"] = new JsonObject { ["note"] = "fuzz" } };
        if (ns is not null)
        {
            meta["namespace"] = ns;
        }

        if (resource.Kind == "Event")
        {
            obj["involvedObject"]!["namespace"] = ns;
        }

        var result = new JsonObject { ["apiVersion"] = resource.ApiVersion, ["kind"] = resource.Kind, ["metadata"] = meta };
        foreach (var (key, value) in obj.ToList())
        {
            obj.Remove(key);
            result[key] = value;
        }

        return result;
    }

    /// <summary>Kubernetes protobuf bodies (envelope included) for the kinds the typed generators send, or null.</summary>
    public static byte[]? Protobuf(FuzzResource resource, string name, string? ns)
    {
        var meta = Pb.Meta(name, ns ?? "", ("fuzz", "yes"));
        var raw = resource.Kind switch
        {
            "ConfigMap" => new Pb().Msg(1, meta).Map(2, "a", "1"),
            "Secret" => new Pb().Msg(1, meta).MapBytes(2, "a", "b"u8.ToArray()).Str(3, "Opaque"),
            "Namespace" => new Pb().Msg(1, meta).Msg(2, new Pb()).Msg(3, new Pb()),
            "ServiceAccount" => new Pb().Msg(1, meta),
            "Deployment" => new Pb().Msg(1, meta).Msg(2, new Pb().Int(1, 1)
                .Msg(2, new Pb().Map(1, "app", "web"))
                .Msg(3, new Pb().Msg(1, Pb.Meta("", "", ("app", "web"))).Msg(2, new Pb().Msg(2, new Pb().Str(1, "app").Str(2, "nginx"))))),
            "Service" => new Pb().Msg(1, meta).Msg(2, new Pb().Msg(1, new Pb().Str(1, "http").Str(2, "TCP").Int(3, 80).Msg(4, Pb.IntOrString(8080))).Map(2, "app", "web").Str(4, "ClusterIP")),
            "Role" => new Pb().Msg(1, meta).Msg(2, new Pb().Strs(1, "get").Strs(2, "").Strs(3, "pods")),
            _ => null,
        };
        return raw is null ? null : Pb.Envelope(resource.ApiVersion, resource.Kind, raw);
    }
}
