using k8s.Models;
using LocalKube.Node.ApiServer.Catalog;
using LocalKube.Node.ApiServer.Catalog.Validation;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.Validation;

/// <summary>Quantities written as Go's <c>Quantity.String()</c> writes them, negative ones included.</summary>
[TestFixture]
public sealed class QuantityMathTests
{
    // KubernetesClient 21 writes "-1" as "-0.000000000000000001E" and never returns for "-1e3"; each case runs on a
    // worker with a deadline so that a regression fails instead of hanging the run.
    [TestCase("1", "1")]
    [TestCase("-1", "-1")]
    [TestCase("-1500m", "-1500m")]
    [TestCase("-1.5", "-1500m")]
    [TestCase("-1k", "-1k")]
    [TestCase("-1Ki", "-1Ki")]
    [TestCase("-2Gi", "-2Gi")]
    [TestCase("-1e3", "-1e3")]
    [TestCase("-1e-5", "-10e-6")]
    [TestCase("1e40", "10e39")]
    [TestCase("-1e40", "-10e39")]
    [TestCase("-12e30", "-12e30")]
    [TestCase("123456789012345678901234567890", "123456789012345678901234567890")]
    [TestCase("99999999999999999999999999999999999999999999999999", "99999999999999999999999999999999999999999999999999")]
    [TestCase("-99999999999999999999999999999999999999999999999999", "-99999999999999999999999999999999999999999999999999")]
    [TestCase("2000000000000000000000", "2e21")]
    [TestCase("200000000000000000000", "200E")]
    [TestCase("2e21", "2e21")]
    [TestCase("1e19", "10e18")]
    [TestCase("10E", "10E")]
    [TestCase("4Ei", "4Ei")]
    [TestCase("-4Ei", "-4Ei")]
    [TestCase("4611686018427387905", "4611686018427387905")]
    public async Task Format_writes_the_sign_then_the_canonical_magnitude(string text, string expected)
    {
        var formatted = Task.Run(() => QuantityMath.Format(new ResourceQuantity(text)));
        var finished = await Task.WhenAny(formatted, Task.Delay(TimeSpan.FromSeconds(20)));
        Assert.That(finished, Is.SameAs(formatted), $"formatting {text} did not return");
        Assert.That(await formatted, Is.EqualTo(expected));
    }
}
