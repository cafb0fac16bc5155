using k8s.Models;

namespace LocalKube.Node.Machinery.Resources;

/// <summary>
/// Numeric views of resource quantities that hold for every value the API accepts. A pod may ask for "1e40" CPUs
/// (validation only bounds the sign and request ≤ limit), and <see cref="ResourceQuantity.ToDecimal"/> throws beyond
/// ±7.9e28, which would fail a scheduler or kubelet loop; these views saturate instead, where apimachinery's int64
/// views wrap.
/// </summary>
public static class QuantityValues
{
    /// <summary>Bound of <see cref="Decimal"/>: beyond any machine's resources, and ×1000 or summed still fits a decimal.</summary>
    public const decimal Limit = 1e24m;

    /// <summary>The quantity as a decimal, clamped to ±<see cref="Limit"/>; 0 for none.</summary>
    public static decimal Decimal(ResourceQuantity? quantity)
    {
        if (quantity is null)
        {
            return 0;
        }

        try
        {
            return Math.Clamp(quantity.ToDecimal(), -Limit, Limit);
        }
        catch (OverflowException)
        {
            return quantity.ToDouble() < 0 ? -Limit : Limit;
        }
    }

    /// <summary>apimachinery's <c>Value()</c>: whole units rounded up, saturating at the range of a long.</summary>
    public static long Value(ResourceQuantity? quantity) => Ceiling(Decimal(quantity));

    /// <summary>apimachinery's <c>MilliValue()</c>: thousandths rounded up (CPU in millicores), saturating.</summary>
    public static long MilliValue(ResourceQuantity? quantity) => Ceiling(Decimal(quantity) * 1000m);

    private static long Ceiling(decimal value) =>
        value >= long.MaxValue ? long.MaxValue : value <= long.MinValue ? long.MinValue : (long)decimal.Ceiling(value);
}
