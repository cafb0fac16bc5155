using LocalKube.Abstractions.Drivers;

namespace LocalKube.Drivers.Qemu;

/// <summary>The qemu driver's static facts, shared by the driver, its probe and the registration.</summary>
public static class QemuDriverDescriptor
{
    /// <summary>The driver's name, as given to <c>--driver</c>; also the DI key of its services.</summary>
    public const string Name = "qemu";

    /// <summary>
    /// The descriptor: minikube's qemu2 priority (Default), so a healthy docker (HighlyPreferred) always wins
    /// auto-selection and qemu is picked only where docker is missing or broken. Linux only for now (it relies on
    /// /proc, and on KVM or TCG; macOS's hvf is not wired up).
    /// </summary>
    public static DriverDescriptor Instance { get; } = new(
        Name,
        ["qemu2"],
        DriverPriority.Default,
        DriverCapabilities.ResourceLimits | DriverCapabilities.PortPublishing | DriverCapabilities.Isolated
            | DriverCapabilities.VirtualMachine | DriverCapabilities.ContainerEngine,
        IsDefaultCandidate: true,
        ["linux"]);
}
