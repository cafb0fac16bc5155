using LocalKube.Abstractions.Drivers;
using LocalKube.Abstractions.Errors;
using LocalKube.Core.Drivers;
using LocalKube.Core.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static LocalKube.Core.Tests.Support.Drivers;

namespace LocalKube.Core.Tests.Drivers;

[TestFixture]
public sealed class DriverRegistryTests
{
    private static DriverRegistry Registry(params DriverRegistration[] registrations) => new(registrations);

    [TestCase("docker")]
    [TestCase("DOCKER")]
    [TestCase("process")]
    [TestCase("none")]
    [TestCase("None")]
    public void Resolve_NameOrAliasAnyCase_Finds(string name)
    {
        var registry = Registry(
            Registration(Descriptor("docker"), new StubProbe(Healthy)),
            Registration(Descriptor("process", aliases: ["none"]), new StubProbe(Healthy)));
        Assert.That(registry.Resolve(name).Name, Is.EqualTo(name.Equals("docker", StringComparison.OrdinalIgnoreCase) ? "docker" : "process"));
    }

    [Test]
    public void Resolve_Unknown_ThrowsUsageListingKnownDrivers()
    {
        var registry = Registry(
            Registration(Descriptor("docker"), new StubProbe(Healthy)),
            Registration(Descriptor("process", aliases: ["none"]), new StubProbe(Healthy)));
        var e = Assert.Throws<LocalKubeException>(() => registry.Resolve("kvm2"));
        Assert.Multiple(() =>
        {
            Assert.That(e!.Reason, Is.EqualTo(Reasons.Usage));
            Assert.That(e.Message, Does.Contain("'kvm2'").And.Contain("docker").And.Contain("process (alias none)"));
        });
    }

    [TestCase("docker", "DOCKER")]
    [TestCase("process", "docker")]
    public void Constructor_DuplicateNameOrAlias_Throws(string secondName, string secondAlias)
    {
        var e = Assert.Throws<LocalKubeException>(() => Registry(
            Registration(Descriptor("docker"), new StubProbe(Healthy)),
            Registration(Descriptor(secondName, aliases: [secondAlias]), new StubProbe(Healthy))));
        Assert.That(e!.Message, Does.Contain("registered twice"));
    }

    [Test]
    public async Task Probe_Slow_TimesOutAsUnhealthy()
    {
        var registry = new DriverRegistry([Registration(Descriptor("slow"), new StubProbe(Healthy, TimeSpan.FromSeconds(30), ignoreCancellation: true))])
        {
            ProbeTimeout = TimeSpan.FromMilliseconds(100),
        };
        var result = await registry.ProbeAsync("slow", CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(result.Health.Healthy, Is.False);
            Assert.That(result.Health.Error, Does.Contain("did not answer"));
            Assert.That(result.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
        });
    }

    [Test]
    public async Task Probe_Throws_ReportsUnhealthy()
    {
        var registry = Registry(Registration(Descriptor("buggy"), new ThrowingProbe()));
        var result = await registry.ProbeAsync("buggy", CancellationToken.None);
        Assert.That(result.Health, Has.Property(nameof(DriverHealth.Healthy)).False.And.Property(nameof(DriverHealth.Error)).Contains("probe bug"));
    }

    [Test]
    public void Probe_CallerCancels_Throws()
    {
        var registry = Registry(Registration(Descriptor("slow"), new StubProbe(Healthy, TimeSpan.FromSeconds(30))));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        Assert.That(async () => await registry.ProbeAsync("slow", cts.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task ProbeAll_RunsConcurrently()
    {
        // Each probe answers only once all three are running at the same time: probed one after another, the
        // first would wait for the others until its timeout and come back unhealthy.
        var meeting = new RendezvousProbe.Meeting(3);
        var registry = Registry(
            Registration(Descriptor("a"), new RendezvousProbe(meeting, Healthy)),
            Registration(Descriptor("b"), new RendezvousProbe(meeting, Healthy)),
            Registration(Descriptor("c"), new RendezvousProbe(meeting, Healthy)));
        var results = await registry.ProbeAllAsync(registry.Descriptors, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(results.Select(r => r.Descriptor.Name), Is.EqualTo(new[] { "a", "b", "c" }));
            Assert.That(results.Select(r => r.Health.Healthy), Is.All.True, string.Join("; ", results.Select(r => r.Health.Error)));
        });
    }

    [Test]
    public void FromServices_UsesDescriptorsAndKeyedServices()
    {
        var descriptor = Descriptor("docker");
        var probe = new StubProbe(Healthy);
        var services = new ServiceCollection()
            .AddSingleton(descriptor)
            .AddKeyedSingleton<IDriver>("docker", new StubDriver(descriptor))
            .AddKeyedSingleton<IDriverProbe>("docker", probe)
            .BuildServiceProvider();
        var registry = DriverRegistry.FromServices(services);
        Assert.Multiple(() =>
        {
            Assert.That(registry.Descriptors, Is.EqualTo(new[] { descriptor }));
            Assert.That(registry.GetDriver("DOCKER").Descriptor, Is.SameAs(descriptor));
        });
    }

    [Test]
    public void FromServices_DescriptorWithoutKeyedDriver_Throws()
    {
        var services = new ServiceCollection().AddSingleton(Descriptor("docker")).BuildServiceProvider();
        var e = Assert.Throws<LocalKubeException>(() => DriverRegistry.FromServices(services));
        Assert.That(e!.Message, Does.Contain("'docker'"));
    }
}
