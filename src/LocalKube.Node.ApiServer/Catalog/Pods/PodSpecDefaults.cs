using k8s.Models;

namespace LocalKube.Node.ApiServer.Catalog.Pods;

/// <summary>
/// Upstream's core/v1 defaulting of a pod spec, shared by pods and every pod template (deployments, replica sets,
/// stateful sets, daemon sets, jobs, cron jobs, pod templates, replication controllers).
/// </summary>
public static class PodSpecDefaults
{
    /// <summary>The defaults that apply to every pod spec, templates included (<c>SetDefaults_PodSpec</c> and below).</summary>
    public static void Apply(V1PodSpec? spec)
    {
        if (spec is null)
        {
            return;
        }

        spec.DnsPolicy = Or(spec.DnsPolicy, "ClusterFirst");
        spec.RestartPolicy = Or(spec.RestartPolicy, "Always");
        spec.TerminationGracePeriodSeconds ??= 30;
        spec.SecurityContext ??= new V1PodSecurityContext();
        spec.SchedulerName = Or(spec.SchedulerName, "default-scheduler");
        foreach (var c in spec.InitContainers ?? [])
        {
            Container(c);
        }

        foreach (var c in spec.Containers ?? [])
        {
            Container(c);
        }

        foreach (var c in spec.EphemeralContainers ?? [])
        {
            c.ImagePullPolicy = Or(c.ImagePullPolicy, PullPolicyFor(c.Image));
            c.TerminationMessagePath = Or(c.TerminationMessagePath, "/dev/termination-log");
            c.TerminationMessagePolicy = Or(c.TerminationMessagePolicy, "File");
            Env(c.Env);
        }

        foreach (var v in spec.Volumes ?? [])
        {
            Volume(v);
        }
    }

    /// <summary>
    /// The template defaults plus what upstream applies only to Pod objects (<c>SetDefaults_Pod</c>: service links,
    /// requests from limits, host ports under host networking) and what its default admission plugins add
    /// (the <c>default</c> service account, priority 0, the 300 s not-ready/unreachable tolerations).
    /// </summary>
    public static void ApplyToPod(V1PodSpec spec)
    {
        Apply(spec);
        spec.EnableServiceLinks ??= true;
        foreach (var c in (spec.Containers ?? []).Concat(spec.InitContainers ?? []))
        {
            if (c.Resources?.Limits is { Count: > 0 } limits)
            {
                c.Resources.Requests ??= new Dictionary<string, ResourceQuantity>();
                foreach (var (name, q) in limits)
                {
                    c.Resources.Requests.TryAdd(name, q);
                }
            }

            if (spec.HostNetwork == true)
            {
                foreach (var p in c.Ports ?? [])
                {
                    if (p.HostPort is null or 0)
                    {
                        p.HostPort = p.ContainerPort;
                    }
                }
            }
        }

        if (string.IsNullOrEmpty(spec.ServiceAccountName))
        {
            spec.ServiceAccountName = string.IsNullOrEmpty(spec.ServiceAccount) ? "default" : spec.ServiceAccount;
        }

        spec.ServiceAccount = spec.ServiceAccountName;

        // DefaultTolerationSeconds: a toleration with this key (or no key) and this effect (or none) already covers it.
        spec.Tolerations ??= [];
        foreach (var key in new[] { "node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable" })
        {
            if (!spec.Tolerations.Any(t => (t.Key == key || string.IsNullOrEmpty(t.Key)) && t.Effect is "NoExecute" or null or ""))
            {
                spec.Tolerations.Add(new V1Toleration { Key = key, OperatorProperty = "Exists", Effect = "NoExecute", TolerationSeconds = 300 });
            }
        }
    }

    /// <summary><c>Always</c> for <c>:latest</c> or untagged images, else <c>IfNotPresent</c> (digests count as pinned).</summary>
    public static string PullPolicyFor(string? image)
    {
        if (string.IsNullOrEmpty(image) || image.Contains('@', StringComparison.Ordinal))
        {
            return string.IsNullOrEmpty(image) ? "Always" : "IfNotPresent";
        }

        var lastSlash = image.LastIndexOf('/');
        var colon = image.IndexOf(':', lastSlash + 1);
        var tag = colon < 0 ? "" : image[(colon + 1)..];
        return tag is "" or "latest" ? "Always" : "IfNotPresent";
    }

    private static void Container(V1Container c)
    {
        c.ImagePullPolicy = Or(c.ImagePullPolicy, PullPolicyFor(c.Image));
        c.TerminationMessagePath = Or(c.TerminationMessagePath, "/dev/termination-log");
        c.TerminationMessagePolicy = Or(c.TerminationMessagePolicy, "File");
        foreach (var p in c.Ports ?? [])
        {
            p.Protocol = Or(p.Protocol, "TCP");
        }

        Probe(c.LivenessProbe);
        Probe(c.ReadinessProbe);
        Probe(c.StartupProbe);
        Handler(c.Lifecycle?.PostStart?.HttpGet);
        Handler(c.Lifecycle?.PreStop?.HttpGet);
        Env(c.Env);
    }

    private static void Env(IList<V1EnvVar>? env)
    {
        foreach (var e in env ?? [])
        {
            if (e.ValueFrom?.FieldRef is { } fieldRef)
            {
                fieldRef.ApiVersion = Or(fieldRef.ApiVersion, "v1");
            }
        }
    }

    private static void Probe(V1Probe? probe)
    {
        if (probe is null)
        {
            return;
        }

        probe.TimeoutSeconds ??= 1;
        probe.PeriodSeconds ??= 10;
        probe.SuccessThreshold ??= 1;
        probe.FailureThreshold ??= 3;
        Handler(probe.HttpGet);
    }

    private static void Handler(V1HTTPGetAction? get)
    {
        if (get is null)
        {
            return;
        }

        get.Path = Or(get.Path, "/");
        get.Scheme = Or(get.Scheme, "HTTP");
    }

    private static void Volume(V1Volume v)
    {
        // A volume with no source is an emptyDir upstream; the generated model has no "any source" helper, so the
        // check goes through the JSON form: only the name is set.
        if (Json.Serialize(v) == Json.Serialize(new V1Volume { Name = v.Name }))
        {
            v.EmptyDir = new V1EmptyDirVolumeSource();
        }

        if (v.Secret is { } s)
        {
            s.DefaultMode ??= 420;
        }

        if (v.ConfigMap is { } cm)
        {
            cm.DefaultMode ??= 420;
        }

        if (v.DownwardAPI is { } d)
        {
            d.DefaultMode ??= 420;
        }

        if (v.Projected is { } p)
        {
            p.DefaultMode ??= 420;
            foreach (var src in p.Sources ?? [])
            {
                if (src.ServiceAccountToken is { } t)
                {
                    t.ExpirationSeconds ??= 3600;
                }
            }
        }

        if (v.HostPath is { } hp)
        {
            hp.Type ??= "";
        }
    }

    private static string Or(string? value, string fallback) => string.IsNullOrEmpty(value) ? fallback : value;
}
