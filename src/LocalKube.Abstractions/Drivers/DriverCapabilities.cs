namespace LocalKube.Abstractions.Drivers;

/// <summary>What a driver can do. Callers check flags, never driver names.</summary>
[Flags]
public enum DriverCapabilities
{
    /// <summary>Nothing special.</summary>
    None = 0,
    /// <summary>Honours <see cref="MachineSpec.Cpus"/> and <see cref="MachineSpec.MemoryMiB"/> as hard limits.</summary>
    ResourceLimits = 1,
    /// <summary>Can publish extra node ports on the host (<c>--ports</c>), at creation time.</summary>
    PortPublishing = 2,
    /// <summary>Can run more than one node per profile.</summary>
    MultiNode = 4,
    /// <summary>Needs a node image (<see cref="MachineSpec.BaseImage"/> applies).</summary>
    NodeImage = 8,
    /// <summary>The node is isolated from the host (container or VM), with its own address.</summary>
    Isolated = 16,
    /// <summary>The node runs its own Docker Engine, so pods can run as real containers (<c>--container-runtime=docker</c>).</summary>
    ContainerEngine = 32,
    /// <summary>The node is a virtual machine with its own kernel (<c>start --vm</c> picks only these).</summary>
    VirtualMachine = 64,
}
