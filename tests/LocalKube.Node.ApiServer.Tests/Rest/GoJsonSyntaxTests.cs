using System.Text;
using LocalKube.Node.ApiServer.Rest;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.Rest;

[TestFixture]
public sealed class GoJsonSyntaxTests
{
    [TestCase("", "unexpected end of JSON input")]
    [TestCase("{\"apiVersion\":\"v1\",", "unexpected end of JSON input")]
    [TestCase("{\"a\":\"b", "unexpected end of JSON input")]
    [TestCase("{\"a\" 1}", "invalid character '1' after object key")]
    [TestCase("{\"a\":1 x}", "invalid character 'x' after object key:value pair")]
    [TestCase("[1 2]", "invalid character '2' after array element")]
    [TestCase("{a:1}", "invalid character 'a' looking for beginning of object key string")]
    [TestCase("{\"a\":1,}", "invalid character '}' looking for beginning of object key string")]
    [TestCase("{\"a\":x}", "invalid character 'x' looking for beginning of value")]
    [TestCase("{\"a\":'b'}", "invalid character '\\'' looking for beginning of value")]
    [TestCase("{\"a\":tru}", "invalid character '}' in literal true (expecting 'e')")]
    [TestCase("{\"a\":-x}", "invalid character 'x' in numeric literal")]
    [TestCase("{\"a\":1.}", "invalid character '}' after decimal point in numeric literal")]
    [TestCase("{\"a\":1e}", "invalid character '}' in exponent of numeric literal")]
    [TestCase("{\"a\":\"\\q\"}", "invalid character 'q' in string escape code")]
    [TestCase("{\"a\":\"\n\"}", "invalid character '\\n' in string literal")]
    [TestCase("{} {}", "invalid character '{' after top-level value")]
    public void WordsTheFirstErrorAsGo(string json, string expected) =>
        Assert.That(GoJsonSyntax.Describe(Encoding.UTF8.GetBytes(json)), Is.EqualTo(expected));

    [TestCase("{}")]
    [TestCase(" {\"a\": [1, -2.5e+3, true, false, null, \"\\u00e9\\n\", {}]} ")]
    public void WellFormedJson_GivesNull(string json) =>
        Assert.That(GoJsonSyntax.Describe(Encoding.UTF8.GetBytes(json)), Is.Null);

    [Test]
    public void DeepNesting_IsScannedWithoutRecursion()
    {
        var deep = new string('[', 200_000);
        Assert.That(GoJsonSyntax.Describe(Encoding.UTF8.GetBytes(deep)), Is.EqualTo("unexpected end of JSON input"));
    }
}
