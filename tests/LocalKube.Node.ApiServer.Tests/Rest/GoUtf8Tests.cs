using System.Text;
using LocalKube.Node.ApiServer.Rest;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.Rest;

/// <summary>Unpaired surrogate escapes become <c>\uFFFD</c>, as Go's JSON decoder reads them; everything else is kept.</summary>
[TestFixture]
public sealed class GoUtf8Tests
{
    [TestCase("""{"k":"v\uDE00"}""", """{"k":"v\uFFFD"}""")]
    [TestCase("""{"k\uD83D":1}""", """{"k\uFFFD":1}""")]
    [TestCase("""["\uD83D\uD83D\uDE00"]""", """["\uFFFD\uD83D\uDE00"]""")]
    [TestCase("""["\uD83D\u0041"]""", """["\uFFFD\u0041"]""")]
    [TestCase("""["\uD83D"]""", """["\uFFFD"]""")]
    [TestCase("""["\uDBFF""", """["\uFFFD""")]
    public void Unpaired_surrogate_escapes_are_replaced(string input, string expected) =>
        Assert.That(Encoding.UTF8.GetString(GoUtf8.ReplaceLoneSurrogateEscapes(Encoding.UTF8.GetBytes(input))), Is.EqualTo(expected));

    [TestCase("""{"k":"\uD83D\uDE00"}""")]
    [TestCase("""{"k":"\\uD800"}""")]
    [TestCase("""{"k":"\\\\uD800 \u00e9 \uD8"}""")]
    [TestCase("""{"k":"\uFFFD \n \""}""")]
    public void Everything_else_is_the_same_array(string input)
    {
        var bytes = Encoding.UTF8.GetBytes(input);
        Assert.That(GoUtf8.ReplaceLoneSurrogateEscapes(bytes), Is.SameAs(bytes));
    }
}
