using LocalKube.Node.Kubelet.Containers;

namespace LocalKube.Node.Kubelet.Tests.Containers;

[TestFixture]
[Category("Unit")]
public sealed class VariableExpansionTests
{
    private static readonly Dictionary<string, string> Vars = new()
    {
        ["VAR_A"] = "A",
        ["VAR_B"] = "B",
        ["VAR_C"] = "C",
        ["VAR_REF"] = "$(VAR_A)",
        ["VAR_EMPTY"] = "",
    };

    // Cases from upstream's expansion tests.
    [TestCase("$(VAR_A)", "A")]
    [TestCase("___$(VAR_B)___", "___B___")]
    [TestCase("$(VAR_A)-$(VAR_A)", "A-A")]
    [TestCase("$(VAR_A)-1", "A-1")]
    [TestCase("$(VAR_A)_$(VAR_B)_$(VAR_C)", "A_B_C")]
    [TestCase("$(VAR_REF)", "$(VAR_A)")]
    [TestCase("$(VAR_EMPTY)", "")]
    [TestCase("$(UNKNOWN)", "$(UNKNOWN)")]
    [TestCase("$$(VAR_A)", "$(VAR_A)")]
    [TestCase("$$$(VAR_A)", "$A")]
    [TestCase("$$$$(VAR_A)", "$$(VAR_A)")]
    [TestCase("$$", "$")]
    [TestCase("$", "$")]
    [TestCase("foo$", "foo$")]
    [TestCase("$(VAR_A", "$(VAR_A")]
    [TestCase("$VAR_A", "$VAR_A")]
    [TestCase("$(VAR_A)$", "A$")]
    [TestCase("f000-$$VAR_A", "f000-$VAR_A")]
    [TestCase("$()", "$()")]
    [TestCase("no vars here", "no vars here")]
    [TestCase("$(VAR_A)$(VAR_B", "A$(VAR_B")]
    public void Expands_as_upstream(string input, string expected) =>
        Assert.That(VariableExpansion.Expand(input, VariableExpansion.LookupIn(Vars)), Is.EqualTo(expected));

    [Test]
    public void First_map_wins()
    {
        var lookup = VariableExpansion.LookupIn(new Dictionary<string, string> { ["X"] = "1" }, new Dictionary<string, string> { ["X"] = "2", ["Y"] = "3" });
        Assert.That(VariableExpansion.Expand("$(X)$(Y)", lookup), Is.EqualTo("13"));
    }
}
