using LocalKube.Abstractions.Drivers;

namespace LocalKube.Core.Cluster;

/// <summary>What <c>localkube start</c> was asked to do, already parsed and validated by the CLI.</summary>
public sealed record StartRequest
{
    public required string Profile { get; init; }

    /// <summary>The <c>--driver</c> flag; null to auto-select (or keep the profile's driver).</summary>
    public string? Driver { get; init; }

    /// <summary>CPU limit; null for the default (2, or the profile's value).</summary>
    public int? Cpus { get; init; }

    /// <summary>Memory limit in MiB; null for the default (or the profile's value); 0 means no limit.</summary>
    public long? MemoryMiB { get; init; }

    /// <summary>Host port for the API server on 127.0.0.1; null picks a free one at creation.</summary>
    public int? ApiServerPort { get; init; }

    /// <summary>Extra node ports to publish at creation.</summary>
    public IReadOnlyList<PortMapping> Ports { get; init; } = [];

    /// <summary>Whether to wait until the API server reports ready.</summary>
    public bool Wait { get; init; } = true;

    /// <summary>How long to wait for readiness.</summary>
    public TimeSpan WaitTimeout { get; init; } = TimeSpan.FromMinutes(6);

    /// <summary>Node image override.</summary>
    public string? BaseImage { get; init; }

    /// <summary>Delete the cluster if start fails.</summary>
    public bool DeleteOnFailure { get; init; }

    /// <summary>Do not switch kubeconfig's current-context.</summary>
    public bool KeepContext { get; init; }

    /// <summary><c>component.key=value</c> settings passed to the node agent.</summary>
    public IReadOnlyList<string> ExtraConfig { get; init; } = [];

    /// <summary><c>--container-runtime</c>: docker or simulated; null for the driver's default.</summary>
    public string? ContainerRuntime { get; init; }

    /// <summary>External etcd endpoints; empty for the embedded store.</summary>
    public IReadOnlyList<string> EtcdServers { get; init; } = [];

    /// <summary>Auto-selection considers only VM drivers (<c>--vm</c>).</summary>
    public bool VmOnly { get; init; }

    /// <summary>Driver-specific settings for a new machine, by flag name (e.g. <c>hyperv-virtual-switch</c>).</summary>
    public IReadOnlyDictionary<string, string> DriverOptions { get; init; } = new Dictionary<string, string>();

    /// <summary>The memory limit used for a new profile when <see cref="MemoryMiB"/> is null (computed from host RAM).</summary>
    public long DefaultMemoryMiB { get; init; } = 3072;
}
