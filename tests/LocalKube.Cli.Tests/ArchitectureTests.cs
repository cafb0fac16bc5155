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

    // docs/adr/0006: node components speak only the Kubernetes API. (Networking is checked once it exists.)
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
            Assert.That(component, Is.EqualTo("LocalKube.Node.Networking"), $"{file} should be built with the tests");
            Assert.Pass($"{component} does not exist yet");
        }

        // Directly or through any assembly of ours it uses.
        var references = OurReferencesTransitively(component);
        Assert.That(references, Has.None.AnyOf("LocalKube.Node.ApiServer", "LocalKube.Node.Storage"));
        Assert.That(references, Has.None.EqualTo("LocalKube.Node"), "nor the agent's composition");
        if (component != "LocalKube.Node.Client")
        {
            Assert.That(References(component), Does.Contain("LocalKube.Node.Client"), "it talks to the API through the client layer");
        }
    }

    [Test]
    public void Machinery_is_pure() =>
        Assert.That(References("LocalKube.Node.Machinery").Where(n => n.StartsWith("LocalKube", StringComparison.Ordinal)), Is.Empty);

    [Test]
    public void Dashboard_UsesCoreOnly() =>
        Assert.That(References("LocalKube.Dashboard").Where(n => n.StartsWith("LocalKube", StringComparison.Ordinal)), Is.SubsetOf(new[] { "LocalKube.Core", "LocalKube.Abstractions" }));

    private static HashSet<string> OurReferencesTransitively(string assembly)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([assembly]);
        while (pending.TryPop(out var next))
        {
            foreach (var reference in References(next).Where(n => n.StartsWith("LocalKube", StringComparison.Ordinal)))
            {
                if (seen.Add(reference))
                {
                    pending.Push(reference);
                }
            }
        }

        return seen;
    }

    private static IEnumerable<string> References(string assembly) =>
        Assembly.Load(assembly).GetReferencedAssemblies().Select(a => a.Name!);
}
