using System.Text;
using LocalKube.Node.Kubelet.Containers;

namespace LocalKube.Node.Kubelet.Tests.Containers;

[TestFixture]
[Category("Unit")]
public sealed class EnvironmentBuilderTests
{
    private static readonly Dictionary<string, ResourceQuantity> Allocatable = new()
    {
        ["cpu"] = new ResourceQuantity("2"),
        ["memory"] = new ResourceQuantity("4Gi"),
    };

    private FakeConfigSource _source = null!;

    [SetUp]
    public void SetUp()
    {
        _source = new FakeConfigSource();
        _source.Services.Add(FakeConfigSource.Service("default", "kubernetes", "10.96.0.1", new V1ServicePort { Name = "https", Port = 443, Protocol = "TCP" }));
        _source.ConfigMaps["ns/cfg"] = new V1ConfigMap { Data = new Dictionary<string, string> { ["COLOR"] = "blue", ["bad key"] = "x", ["SIZE"] = "L" } };
        _source.Secrets["ns/sec"] = new V1Secret { Data = new Dictionary<string, byte[]> { ["PASSWORD"] = Encoding.UTF8.GetBytes("hunter2") } };
    }

    [Test]
    public async Task EnvFrom_with_prefix_then_env_overrides_then_service_variables()
    {
        var container = new V1Container
        {
            Name = "app",
            EnvFrom = [new V1EnvFromSource { ConfigMapRef = new V1ConfigMapEnvSource { Name = "cfg" }, Prefix = "CFG_" }],
            Env = [new V1EnvVar { Name = "CFG_COLOR", Value = "red" }],
        };
        var env = await BuildAsync(Pod(), container);
        var map = env.ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Multiple(() =>
        {
            Assert.That(map["CFG_COLOR"], Is.EqualTo("red"));
            Assert.That(map["CFG_SIZE"], Is.EqualTo("L"));
            Assert.That(map, Does.Not.ContainKey("CFG_bad key"));
            Assert.That(map["KUBERNETES_SERVICE_HOST"], Is.EqualTo("10.96.0.1"));
            Assert.That(map["KUBERNETES_SERVICE_PORT"], Is.EqualTo("443"));
            Assert.That(map["KUBERNETES_SERVICE_PORT_HTTPS"], Is.EqualTo("443"));
            Assert.That(map["KUBERNETES_PORT"], Is.EqualTo("tcp://10.96.0.1:443"));
            Assert.That(map["KUBERNETES_PORT_443_TCP_ADDR"], Is.EqualTo("10.96.0.1"));
            // Declared variables come first, in order; services after.
            Assert.That(env[0].Key, Is.EqualTo("CFG_COLOR"));
        });
    }

    [Test]
    public async Task Invalid_envFrom_keys_are_reported()
    {
        var builder = new EnvironmentBuilder(_source);
        var container = new V1Container { Name = "app", EnvFrom = [new V1EnvFromSource { ConfigMapRef = new V1ConfigMapEnvSource { Name = "cfg" } }] };
        await builder.BuildAsync(Pod(), container, ["10.244.0.5"], ["192.168.49.2"], Allocatable, CancellationToken.None);
        Assert.That(builder.Warnings.Single(), Is.EqualTo("Keys [bad key] from the EnvFrom configMap ns/cfg were skipped since they are considered invalid environment variable names."));
    }

    [Test]
    public async Task Values_expand_earlier_entries_and_services_but_not_later_ones()
    {
        _source.Services.Add(FakeConfigSource.Service("ns", "redis-main", "10.96.12.3", new V1ServicePort { Name = "tcp", Port = 6379 }));
        var container = new V1Container
        {
            Name = "app",
            Env =
            [
                new V1EnvVar { Name = "A", Value = "a" },
                new V1EnvVar { Name = "B", Value = "$(A)-$(C)-$(REDIS_MAIN_SERVICE_HOST)" },
                new V1EnvVar { Name = "C", Value = "c" },
                new V1EnvVar { Name = "D", Value = "$$(A)" },
            ],
        };
        var map = (await BuildAsync(Pod(), container)).ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Multiple(() =>
        {
            Assert.That(map["B"], Is.EqualTo("a-$(C)-10.96.12.3"));
            Assert.That(map["D"], Is.EqualTo("$(A)"));
            Assert.That(map["REDIS_MAIN_PORT_6379_TCP"], Is.EqualTo("tcp://10.96.12.3:6379"));
            Assert.That(map["REDIS_MAIN_SERVICE_PORT_TCP"], Is.EqualTo("6379"));
        });
    }

    [Test]
    public async Task Service_links_off_keeps_only_the_kubernetes_service()
    {
        _source.Services.Add(FakeConfigSource.Service("ns", "web", "10.96.0.50", new V1ServicePort { Port = 80 }));
        _source.Services.Add(FakeConfigSource.Service("ns", "headless", "None", new V1ServicePort { Port = 80 }));
        var pod = Pod();
        var on = (await BuildAsync(pod, new V1Container { Name = "app" })).Select(kv => kv.Key).ToList();
        pod.Spec.EnableServiceLinks = false;
        var off = (await BuildAsync(pod, new V1Container { Name = "app" })).Select(kv => kv.Key).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(on, Does.Contain("WEB_SERVICE_HOST"));
            Assert.That(on.Any(k => k.StartsWith("HEADLESS", StringComparison.Ordinal)), Is.False);
            Assert.That(off, Does.Not.Contain("WEB_SERVICE_HOST"));
            Assert.That(off, Does.Contain("KUBERNETES_SERVICE_HOST"));
        });
    }

    [Test]
    public async Task ValueFrom_sources()
    {
        var container = new V1Container
        {
            Name = "app",
            Resources = new V1ResourceRequirements
            {
                Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new("64Mi") },
                Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("250m") },
            },
            Env =
            [
                new V1EnvVar { Name = "PASS", ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = "sec", Key = "PASSWORD" } } },
                new V1EnvVar { Name = "COLOR", ValueFrom = new V1EnvVarSource { ConfigMapKeyRef = new V1ConfigMapKeySelector { Name = "cfg", Key = "COLOR" } } },
                new V1EnvVar { Name = "POD", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.name" } } },
                new V1EnvVar { Name = "NS", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.namespace" } } },
                new V1EnvVar { Name = "TIER", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.labels['tier']" } } },
                new V1EnvVar { Name = "IP", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "status.podIP" } } },
                new V1EnvVar { Name = "HOST", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "status.hostIP" } } },
                new V1EnvVar { Name = "NODE", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "spec.nodeName" } } },
                new V1EnvVar { Name = "SA", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "spec.serviceAccountName" } } },
                new V1EnvVar { Name = "MEM_MI", ValueFrom = new V1EnvVarSource { ResourceFieldRef = new V1ResourceFieldSelector { Resource = "limits.memory", Divisor = new ResourceQuantity("1Mi") } } },
                new V1EnvVar { Name = "CPU_LIMIT", ValueFrom = new V1EnvVarSource { ResourceFieldRef = new V1ResourceFieldSelector { Resource = "limits.cpu" } } },
                new V1EnvVar { Name = "CPU_REQ_M", ValueFrom = new V1EnvVarSource { ResourceFieldRef = new V1ResourceFieldSelector { Resource = "requests.cpu", Divisor = new ResourceQuantity("1m") } } },
                new V1EnvVar { Name = "CPU_REQ", ValueFrom = new V1EnvVarSource { ResourceFieldRef = new V1ResourceFieldSelector { Resource = "requests.cpu" } } },
            ],
        };
        var map = (await BuildAsync(Pod(), container)).ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Multiple(() =>
        {
            Assert.That(map["PASS"], Is.EqualTo("hunter2"));
            Assert.That(map["COLOR"], Is.EqualTo("blue"));
            Assert.That(map["POD"], Is.EqualTo("web"));
            Assert.That(map["NS"], Is.EqualTo("ns"));
            Assert.That(map["TIER"], Is.EqualTo("front"));
            Assert.That(map["IP"], Is.EqualTo("10.244.0.5"));
            Assert.That(map["HOST"], Is.EqualTo("192.168.49.2"));
            Assert.That(map["NODE"], Is.EqualTo("node1"));
            Assert.That(map["SA"], Is.EqualTo("default"));
            Assert.That(map["MEM_MI"], Is.EqualTo("64"));
            // An unset limit reports node allocatable; CPU rounds up.
            Assert.That(map["CPU_LIMIT"], Is.EqualTo("2"));
            Assert.That(map["CPU_REQ_M"], Is.EqualTo("250"));
            Assert.That(map["CPU_REQ"], Is.EqualTo("1"));
        });
    }

    [TestCase("configMapKeyRef", "nope", "k", "configmap \"nope\" not found")]
    [TestCase("configMapKeyRef", "cfg", "MISSING", "couldn't find key MISSING in ConfigMap ns/cfg")]
    [TestCase("secretKeyRef", "nope", "k", "secret \"nope\" not found")]
    [TestCase("secretKeyRef", "sec", "MISSING", "couldn't find key MISSING in Secret ns/sec")]
    public void Missing_sources_name_the_missing_thing(string kind, string name, string key, string message)
    {
        var source = kind == "configMapKeyRef"
            ? new V1EnvVarSource { ConfigMapKeyRef = new V1ConfigMapKeySelector { Name = name, Key = key } }
            : new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = name, Key = key } };
        var container = new V1Container { Name = "app", Env = [new V1EnvVar { Name = "X", ValueFrom = source }] };
        var e = Assert.ThrowsAsync<ContainerConfigException>(() => BuildAsync(Pod(), container));
        Assert.That(e!.Message, Is.EqualTo(message));
    }

    [Test]
    public async Task Optional_missing_sources_are_skipped()
    {
        var container = new V1Container
        {
            Name = "app",
            EnvFrom = [new V1EnvFromSource { SecretRef = new V1SecretEnvSource { Name = "nope", Optional = true } }],
            Env =
            [
                new V1EnvVar { Name = "X", ValueFrom = new V1EnvVarSource { ConfigMapKeyRef = new V1ConfigMapKeySelector { Name = "nope", Key = "k", Optional = true } } },
                new V1EnvVar { Name = "Y", ValueFrom = new V1EnvVarSource { ConfigMapKeyRef = new V1ConfigMapKeySelector { Name = "cfg", Key = "nokey", Optional = true } } },
            ],
        };
        var keys = (await BuildAsync(Pod(), container)).Select(kv => kv.Key).ToList();
        Assert.That(keys, Does.Not.Contain("X").And.Not.Contain("Y"));
    }

    [Test]
    public void Missing_envFrom_source_fails()
    {
        var container = new V1Container { Name = "app", EnvFrom = [new V1EnvFromSource { SecretRef = new V1SecretEnvSource { Name = "gone" } }] };
        var e = Assert.ThrowsAsync<ContainerConfigException>(() => BuildAsync(Pod(), container));
        Assert.That(e!.Message, Is.EqualTo("secret \"gone\" not found"));
    }

    [Test]
    public async Task Command_and_args_see_the_final_environment()
    {
        var container = new V1Container { Name = "app", Env = [new V1EnvVar { Name = "GREETING", Value = "hello" }] };
        var env = await BuildAsync(Pod(), container);
        var command = EnvironmentBuilder.ExpandCommand(["sh", "-c", "echo $(GREETING) $(MISSING) $$(GREETING) $(KUBERNETES_SERVICE_HOST)"], env);
        Assert.That(command![2], Is.EqualTo("echo hello $(MISSING) $(GREETING) 10.96.0.1"));
        Assert.That(EnvironmentBuilder.ExpandCommand(null, env), Is.Null);
        Assert.That(EnvironmentBuilder.ExpandCommand([], env), Is.Null);
    }

    private Task<IReadOnlyList<KeyValuePair<string, string>>> BuildAsync(V1Pod pod, V1Container container) =>
        new EnvironmentBuilder(_source).BuildAsync(pod, container, ["10.244.0.5"], ["192.168.49.2"], Allocatable, CancellationToken.None);

    private static V1Pod Pod() => new()
    {
        Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "ns", Uid = "uid-1", Labels = new Dictionary<string, string> { ["tier"] = "front" } },
        Spec = new V1PodSpec { NodeName = "node1", ServiceAccountName = "default", Containers = [] },
    };
}
