using k8s.Models;
using LocalKube.Node.Machinery.Resources;

namespace LocalKube.Node.Client.Tests;

/// <summary>Numeric views of quantities that every node component uses: exact in range, saturating beyond it.</summary>
[TestFixture]
[Category("Unit")]
public sealed class QuantityValuesTests
{
    [TestCase("100m", 1L, 100L)]
    [TestCase("1.0001", 2L, 1001L)]
    [TestCase("1Gi", 1073741824L, 1073741824000L)]
    [TestCase("1e40", long.MaxValue, long.MaxValue)]
    [TestCase("-1e40", long.MinValue, long.MinValue)]
    [TestCase("9223372036854775808", long.MaxValue, long.MaxValue)]
    public void Value_and_milli_value_round_up_and_saturate(string text, long value, long milli)
    {
        var q = new ResourceQuantity(text);
        Assert.Multiple(() =>
        {
            Assert.That(QuantityValues.Value(q), Is.EqualTo(value));
            Assert.That(QuantityValues.MilliValue(q), Is.EqualTo(milli));
        });
    }

    [Test]
    public void Decimal_is_exact_in_range_and_clamped_beyond_it()
    {
        Assert.Multiple(() =>
        {
            Assert.That(QuantityValues.Decimal(new ResourceQuantity("1500m")), Is.EqualTo(1.5m));
            Assert.That(QuantityValues.Decimal(new ResourceQuantity("1e40")), Is.EqualTo(QuantityValues.Limit));
            Assert.That(QuantityValues.Decimal(null), Is.Zero);
        });
    }
}
