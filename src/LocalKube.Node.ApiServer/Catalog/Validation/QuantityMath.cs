using k8s.Models;

namespace LocalKube.Node.ApiServer.Catalog;

/// <summary>
/// Comparisons of quantities that hold for every value a request may carry: <see cref="ResourceQuantity.ToDecimal"/>
/// overflows beyond ±7.9e28, which upstream's arbitrary-precision <c>Quantity.Cmp</c> does not; such values are
/// compared as doubles (their order is kept; only equality of two different values past 1e15 digits blurs).
/// </summary>
public static class QuantityMath
{
    /// <summary>Go's <c>q.Cmp(other)</c>: negative, zero or positive.</summary>
    public static int Compare(ResourceQuantity q, ResourceQuantity other)
    {
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(other);
        try
        {
            return q.ToDecimal().CompareTo(other.ToDecimal());
        }
        catch (OverflowException)
        {
            return q.ToDouble().CompareTo(other.ToDouble());
        }
    }

    /// <summary>Go's <c>q.Sign()</c>.</summary>
    public static int Sign(ResourceQuantity q)
    {
        ArgumentNullException.ThrowIfNull(q);
        try
        {
            return Math.Sign(q.ToDecimal());
        }
        catch (OverflowException)
        {
            return Math.Sign(q.ToDouble());
        }
    }
}
