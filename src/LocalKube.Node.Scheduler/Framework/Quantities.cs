using k8s.Models;
using LocalKube.Node.Machinery.Resources;

namespace LocalKube.Node.Scheduler.Framework;

/// <summary>Integer views of resource quantities, rounded up as apimachinery's <c>Value</c>/<c>MilliValue</c> (saturating, see <see cref="QuantityValues"/>).</summary>
internal static class Quantities
{
    /// <summary>The quantity in whole units, rounded up.</summary>
    public static long Value(ResourceQuantity? quantity) => QuantityValues.Value(quantity);

    /// <summary>The quantity in thousandths, rounded up (CPU in millicores).</summary>
    public static long MilliValue(ResourceQuantity? quantity) => QuantityValues.MilliValue(quantity);
}
