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

    // docs/adr/0006: node components speak only the Kubernetes API. (Scheduler and Networking are checked once they exist.)
    [TestCase("LocalKube.Node.Client")]
    [TestCase("LocalKube.Node.Controllers")]
    [TestCase("LocalKube.Node.Kubelet")]
    [TestCase("LocalKube.Node.Scheduler")]
    [TestCase("LocalKube.Node.Networking")]
    public void Node_components_do_not_reference_the_api_server_or_the_store(string component)
    {
        var file = Path.Combine(AppContext.BaseDirectory, component + ".dll");
        if (!File.Exists(file))
        {
            Assert.That(component, Is.AnyOf("LocalKube.Node.Scheduler", "LocalKube.Node.Networking"), $"{file} should be built with the tests");
            Assert.Pass($"{component} does not exist yet");
        }

        var references = References(component).ToList();
        Assert.That(references, Has.None.AnyOf("LocalKube.Node.ApiServer", "LocalKube.Node.Storage"));
        Assert.That(references, Has.None.EqualTo("LocalKube.Node"), "nor the agent's composition");
    }

    [Test]
    public void Machinery_is_pure() =>
        Assert.That(References("LocalKube.Node.Machinery").Where(n => n.StartsWith("LocalKube", StringComparison.Ordinal)), Is.Empty);

    [Test]
    public void Dashboard_UsesCoreOnly() =>
        Assert.That(References("LocalKube.Dashboard").Where(n => n.StartsWith("LocalKube", StringComparison.Ordinal)), Is.SubsetOf(new[] { "LocalKube.Core", "LocalKube.Abstractions" }));

    private static IEnumerable<string> References(string assembly) =>
        Assembly.Load(assembly).GetReferencedAssemblies().Select(a => a.Name!);
}
