using LocalKube.Abstractions.Drivers;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace LocalKube.Drivers.Process.Tests;

/// <summary>The descriptor, the probe and the DI registration the CLI composes.</summary>
[TestFixture]
[Category("Unit")]
public sealed class ProcessDriverRegistrationTests
{
    [Test]
    public void Descriptor_IsMinikubesNoneDriver_PickableOnlyByName()
    {
        var descriptor = ProcessDriver.DriverDescriptor;

        Assert.Multiple(() =>
        {
            Assert.That(descriptor.Name, Is.EqualTo("process"));
            Assert.That(descriptor.Matches("none"), Is.True);
            Assert.That(descriptor.Matches("PROCESS"), Is.True);
            Assert.That(descriptor.Priority, Is.EqualTo(DriverPriority.Discouraged));
            Assert.That(descriptor.IsDefaultCandidate, Is.False);
            Assert.That(descriptor.Capabilities, Is.EqualTo(DriverCapabilities.None));
            Assert.That(descriptor.Platforms, Is.EqualTo(new[] { "linux" }));
        });
    }

    [Test, CancelAfter(30_000)]
    public async Task Probe_LinuxWithSetsid_IsHealthyWithAVersion(CancellationToken cancellationToken)
    {
        var health = await new ProcessDriverProbe().ProbeAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(health.Installed, Is.True, health.Error);
            Assert.That(health.Healthy, Is.True, health.Error);
            Assert.That(health.Version, Does.Match(@"^\d+\.\d+"));
        });
    }

    [Test, CancelAfter(30_000)]
    public void Probe_CancelledToken_Throws()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.That(async () => await new ProcessDriverProbe().ProbeAsync(cancelled.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void AddProcessDriver_RegistersDescriptorAndKeyedServices()
    {
        using var provider = new ServiceCollection()
            .AddProcessDriver(o => o.AgentStartTimeout = TimeSpan.FromSeconds(3))
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Assert.Multiple(() =>
        {
            Assert.That(provider.GetServices<DriverDescriptor>().Single(), Is.SameAs(ProcessDriver.DriverDescriptor));
            Assert.That(provider.GetRequiredKeyedService<IDriver>("process"), Is.InstanceOf<ProcessDriver>());
            Assert.That(provider.GetRequiredKeyedService<IDriverProbe>("process"), Is.InstanceOf<ProcessDriverProbe>());
        });
    }

    [Test]
    public void AddProcessDriver_ValidatesItsOptionsThroughTheOptionsSystem()
    {
        using var provider = new ServiceCollection()
            .AddProcessDriver(o => o.LogPollInterval = TimeSpan.Zero)
            .BuildServiceProvider();
        var e = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => provider.GetRequiredKeyedService<IDriver>("process"));
        Assert.That(e!.Failures, Has.Some.StartsWith("LogPollInterval"));
        Assert.That(() => new ProcessDriver(Microsoft.Extensions.Options.Options.Create(new ProcessDriverOptions { AgentStartTimeout = TimeSpan.Zero })),
            Throws.InstanceOf<Microsoft.Extensions.Options.OptionsValidationException>().With.Message.Contains("AgentStartTimeout"), "built by hand: the same validator");
    }
}
