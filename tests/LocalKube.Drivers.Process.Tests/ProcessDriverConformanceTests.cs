using System.Globalization;
using System.Runtime.Versioning;
using LocalKube.Abstractions.Drivers;
using LocalKube.Drivers.Conformance;
using NUnit.Framework;

namespace LocalKube.Drivers.Process.Tests;

/// <summary>The process driver against the shared conformance suite, with exact argument values and a process count.</summary>
[TestFixture]
[Category("Unit")]
[Platform("Linux")]
[SupportedOSPlatform("linux")]
public sealed class ProcessDriverConformanceTests : DriverConformanceTests
{
    /// <inheritdoc />
    protected override TimeSpan Timeout => TimeSpan.FromSeconds(30);

    /// <inheritdoc />
    protected override IDriver CreateDriver() => new ProcessDriver();

    /// <inheritdoc />
    protected override void AssertAgentArguments(IReadOnlyList<string> arguments, MachineSpec spec, AgentLaunch launch)
    {
        base.AssertAgentArguments(arguments, spec, launch);
        var state = Path.GetFullPath(spec.Machine.StateDirectory);
        Assert.That(arguments.Take(12), Is.EqualTo(new[]
        {
            "--data-dir", Path.Combine(state, "data"),
            "--cert-dir", Path.Combine(state, "certs"),
            "--bind-address", "127.0.0.1",
            "--secure-port", spec.ApiServerHostPort.ToString(CultureInfo.InvariantCulture),
            "--pid-file", Path.Combine(state, "agent.pid"),
            "--extra-config", "kubelet.static-pod-path=" + Path.Combine(state, "manifests"),
        }));
        Assert.That(arguments.Skip(12), Is.EqualTo(launch.Arguments));
    }

    /// <inheritdoc />
    protected override Task AssertSingleAgentAsync(MachineRef machine, CancellationToken cancellationToken)
    {
        var agents = AgentProcessTable.Scan(Path.Combine(Path.GetFullPath(machine.StateDirectory), "data"));
        Assert.That(agents, Has.Count.EqualTo(1), "agent processes of this machine");
        return Task.CompletedTask;
    }
}
