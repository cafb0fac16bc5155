using System.Globalization;
using System.Text;
using LocalKube.Abstractions.Drivers;
using LocalKube.Drivers.Conformance;
using LocalKube.Drivers.Vm.GuestAgent;
using LocalKube.Testing;
using NUnit.Framework;

namespace LocalKube.Drivers.Qemu.Tests;

/// <summary>
/// The shared conformance suite against the qemu driver, really booting the VM node image (under TCG where KVM does
/// not work, as on the CI machine). One VM serves every case (<see cref="ShareMachine"/>): a boot under emulation
/// costs seconds to tens of seconds, so only the cases that stop, kill or delete it boot it again.
/// </summary>
[TestFixture]
[Category("Integration")]
[RequiresQemu]
[NonParallelizable]
public sealed class QemuDriverConformanceTests : DriverConformanceTests
{
    /// <inheritdoc />
    protected override TimeSpan Timeout => TimeSpan.FromMinutes(5);

    /// <inheritdoc />
    protected override TimeSpan StopTimeout => TimeSpan.FromSeconds(60);

    /// <inheritdoc />
    protected override bool ShareMachine => true;

    /// <inheritdoc />
    protected override IDriver CreateDriver() => new QemuDriver();

    /// <inheritdoc />
    protected override Task ResetSharedMachineAsync(MachineRef machine, CancellationToken cancellationToken) =>
        ((QemuDriver)Driver).ResetAgentAsync(machine, cancellationToken);

    /// <inheritdoc />
    protected override void AssertAgentArguments(IReadOnlyList<string> arguments, MachineSpec spec, AgentLaunch launch)
    {
        base.AssertAgentArguments(arguments, spec, launch);
        Assert.That(arguments, Is.EqualTo(IsolatedNodeLayout.AgentArguments(launch.Arguments).Skip(1)), "the container node's flags and paths");
    }

    /// <inheritdoc />
    protected override async Task AssertSingleAgentAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        await using var guest = new GuestAgentClient(GuestAgentClient.UnixSocket(new QemuMachineLayout(machine.StateDirectory).GuestAgent));
        var result = await guest.ExecAsync("/usr/bin/pgrep", ["-c", "-f", "localkube-node run"], cancellationToken);
        Assert.That(int.Parse(Encoding.ASCII.GetString(result.Stdout).Trim(), CultureInfo.InvariantCulture), Is.EqualTo(1),
            "agent processes in the VM");
    }
}
