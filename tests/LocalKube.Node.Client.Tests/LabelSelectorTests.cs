using k8s.Models;
using LocalKube.Node.Machinery.Labels;

namespace LocalKube.Node.Client.Tests;

/// <summary>The one label matcher (Node.Machinery), shared by the API server's lists and watches and the clients' listers.</summary>
[TestFixture]
[Category("Unit")]
public sealed class LabelSelectorTests
{
    private static readonly Dictionary<string, string> Labels = new() { ["app"] = "web", ["tier"] = "front", ["n"] = "5" };

    [TestCase("", true)]
    [TestCase("app=web", true)]
    [TestCase("app==web,tier=front", true)]
    [TestCase("app!=web", false)]
    [TestCase("app in (api,web)", true)]
    [TestCase("app notin (api,web)", false)]
    [TestCase("missing", false)]
    [TestCase("!missing", true)]
    [TestCase("n>4,n<6", true)]
    [TestCase("n>5", false)]
    public void Parsed_selectors_match_as_upstream(string text, bool matches) =>
        Assert.That(LabelSelector.Parse(text).Matches(Labels), Is.EqualTo(matches));

    [TestCase("app=", "")]
    [TestCase("x in ()", "for 'in', 'notin' operators, values set can't be empty")]
    [TestCase("a=b c", "found 'c', expected: ',' or 'end of string'")]
    [TestCase("-bad=x", "key: Invalid value: \"-bad\"")]
    public void Bad_selectors_fail_with_upstream_messages(string text, string message)
    {
        if (message.Length == 0)
        {
            Assert.That(LabelSelector.Parse(text).Matches(new Dictionary<string, string> { ["app"] = "" }), Is.True);
            return;
        }

        Assert.That(() => LabelSelector.Parse(text), Throws.InstanceOf<FormatException>().With.Message.Contains(message));
    }

    [Test]
    public void A_metav1_selector_converts_and_prints_in_query_syntax()
    {
        var selector = LabelSelector.FromLabelSelector(new V1LabelSelector
        {
            MatchLabels = new Dictionary<string, string> { ["app"] = "web" },
            MatchExpressions = [new V1LabelSelectorRequirement { Key = "tier", OperatorProperty = "In", Values = ["front", "back"] }, new V1LabelSelectorRequirement { Key = "x", OperatorProperty = "DoesNotExist" }],
        });
        Assert.Multiple(() =>
        {
            Assert.That(selector.ToString(), Is.EqualTo("app=web,tier in (back,front),!x"));
            Assert.That(selector.Matches(Labels), Is.True);
            Assert.That(LabelSelector.Parse(selector.ToString()).Matches(Labels), Is.True);
            Assert.That(LabelSelector.FromLabelSelector(null).Matches(Labels), Is.False, "a nil selector selects nothing");
            Assert.That(LabelSelector.FromLabelSelector(new V1LabelSelector()).Matches(Labels), Is.True, "an empty one everything");
        });
    }
}
