using System.Text.Json;
using LocalKube.Abstractions.Drivers;

namespace LocalKube.Core.Profiles;

/// <summary>
/// Everything LocalKube remembers about a profile (cluster), stored as <c>profiles/&lt;name&gt;/config.json</c>.
/// </summary>
/// <remarks>
/// Creation-time settings (driver, ports, resources) are fixed once the machine exists, like minikube.
/// Bump <see cref="CurrentSchemaVersion"/> on any incompatible change and migrate in <see cref="ProfileStore"/>.
/// Per-driver settings live in <see cref="DriverConfig"/>, which the driver itself interprets.
/// </remarks>
public sealed record ClusterConfig
{
    /// <summary>The schema version this build writes and understands.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>The Kubernetes version LocalKube reports by default.</summary>
    public const string DefaultKubernetesVersion = "v1.32.4";

    /// <summary>Format version of the file.</summary>
    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>Profile name (equals the folder name).</summary>
    public required string Name { get; init; }

    /// <summary>Canonical driver name.</summary>
    public required string Driver { get; init; }

    /// <summary>CPUs for the node.</summary>
    public int Cpus { get; init; } = 2;

    /// <summary>Memory for the node, in MiB.</summary>
    public long MemoryMiB { get; init; } = 2048;

    /// <summary>The 127.0.0.1 port on the host where the API server listens. Stable across stop/start.</summary>
    public int ApiServerPort { get; init; }

    /// <summary>Extra node ports published on the host.</summary>
    public IReadOnlyList<PortMapping> Ports { get; init; } = [];

    /// <summary>Node image override; null for the built-in image.</summary>
    public string? BaseImage { get; init; }

    /// <summary><c>component.key=value</c> settings passed to the agent.</summary>
    public IReadOnlyList<string> ExtraConfig { get; init; } = [];

    /// <summary>
    /// How pods run: <c>docker</c> (containers in the node's engine) or <c>simulated</c>. Null in profiles made before
    /// the kubelet: read through <see cref="EffectiveContainerRuntime"/>.
    /// </summary>
    public string? ContainerRuntime { get; init; }

    /// <summary>External etcd endpoints; empty for the embedded store.</summary>
    public IReadOnlyList<string> EtcdServers { get; init; } = [];

    /// <summary>When true, <c>start</c> does not switch kubectl's current context.</summary>
    public bool KeepContext { get; init; }

    /// <summary>When the profile was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The profile's nodes; the first is the control plane.</summary>
    public IReadOnlyList<ClusterNode> Nodes { get; init; } = [];

    /// <summary>The Kubernetes version the node reports.</summary>
    public string KubernetesVersion { get; init; } = DefaultKubernetesVersion;

    /// <summary>
    /// The container runtime, defaulted for profiles made before the field: those had only the docker and process
    /// drivers (every VM profile records its runtime), so docker for the docker driver and simulated otherwise.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string EffectiveContainerRuntime => ContainerRuntime ?? (Driver == "docker" ? Cluster.ClusterDefaults.DockerRuntime : Cluster.ClusterDefaults.SimulatedRuntime);

    /// <summary>Driver-specific settings chosen at creation, by flag name (e.g. <c>hyperv-virtual-switch</c>).</summary>
    public IReadOnlyDictionary<string, string> DriverOptions { get; init; } = new Dictionary<string, string>();

    /// <summary>Driver-specific settings, opaque to Core.</summary>
    public JsonElement? DriverConfig { get; init; }
}
