using System.Reflection;

namespace LocalKube.Cli.Tests;

/// <summary>The dependency rules of docs/design.md, checked on the built assemblies.</summary>
[TestFixture]
[Category("Unit")]
public sealed class ArchitectureTests
{
    [TestCase("LocalKube.Drivers.Docker")]
    [TestCase("LocalKube.Drivers.Process")]
    public void Drivers_DependOnlyOnAbstractions(string driver)
    {
        var ours = References(driver).Where(n => n.StartsWith("LocalKube", StringComparison.Ordinal));
        Assert.That(ours, Is.EquivalentTo(new[] { "LocalKube.Abstractions" }));
    }

    [TestCase("LocalKube.Drivers.Qemu")]
    [TestCase("LocalKube.Drivers.HyperV")]
    [TestCase("LocalKube.Drivers.Xhyve")]
    public void VmDrivers_DependOnAbstractionsAndTheVmPlumbingOnly(string driver)
    {
        var ours = References(driver).Where(n => n.StartsWith("LocalKube", StringComparison.Ordinal));
        Assert.That(ours, Is.EquivalentTo(new[] { "LocalKube.Abstractions", "LocalKube.Drivers.Vm" }));
    }

    [Test]
    public void VmPlumbing_DependsOnlyOnAbstractions() =>
        Assert.That(References("LocalKube.Drivers.Vm").Where(n => n.StartsWith("LocalKube", StringComparison.Ordinal)), Is.EquivalentTo(new[] { "LocalKube.Abstractions" }));

    [Test]
    public void Abstractions_DependOnNothingOfOurs() =>
        Assert.That(References("LocalKube.Abstractions").Where(n => n.StartsWith("LocalKube", StringComparison.Ordinal)), Is.Empty);

    [Test]
    public void Core_DoesNotKnowTheCliOrAnyDriver() =>
        Assert.That(References("LocalKube.Core").Where(n => n.StartsWith("LocalKube", StringComparison.Ordinal)), Is.EquivalentTo(new[] { "LocalKube.Abstractions" }));

    private static IEnumerable<string> References(string assembly) =>
        Assembly.Load(assembly).GetReferencedAssemblies().Select(a => a.Name!);
}
