using k8s.Models;

namespace LocalKube.Node.Scheduler.Framework;

/// <summary>Integer views of resource quantities, rounded up as apimachinery's <c>Value</c>/<c>MilliValue</c>.</summary>
internal static class Quantities
{
    /// <summary>The quantity in whole units, rounded up.</summary>
    public static long Value(ResourceQuantity? quantity) => quantity is null ? 0 : Ceiling(quantity.ToDecimal());

    /// <summary>The quantity in thousandths, rounded up (CPU in millicores).</summary>
    public static long MilliValue(ResourceQuantity? quantity) => quantity is null ? 0 : Ceiling(quantity.ToDecimal() * 1000m);

    private static long Ceiling(decimal value) =>
        value >= long.MaxValue ? long.MaxValue : value <= long.MinValue ? long.MinValue : (long)decimal.Ceiling(value);
}
