using System.Globalization;
using k8s.Models;

namespace LocalKube.Node.Controllers.Shared;

/// <summary>Upstream's <c>intstr.GetScaledValueFromIntOrPercent</c>: an int as is, a percent of a total.</summary>
public static class IntOrPercent
{
    /// <summary>
    /// The value of <paramref name="value"/> against <paramref name="total"/>; a percent is rounded up when
    /// <paramref name="roundUp"/> (maxSurge) and down otherwise (maxUnavailable). Null counts as
    /// <paramref name="fallback"/>.
    /// </summary>
    /// <exception cref="FormatException">The value is neither an int nor a percent (validation prevents it).</exception>
    public static int Scaled(IntOrString? value, int total, bool roundUp, int fallback = 0)
    {
        if (value?.Value is not { } s)
        {
            return fallback;
        }

        if (int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        if (s.EndsWith('%') && int.TryParse(s.AsSpan(0, s.Length - 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var percent))
        {
            // Go computes float64(percent*total)/100 and then Ceil or Floor; integers keep it exact.
            var product = (long)percent * total;
            return (int)(roundUp ? CeilDiv(product, 100) : FloorDiv(product, 100));
        }

        throw new FormatException($"invalid value for IntOrString: invalid value {s}");
    }

    private static long CeilDiv(long a, long b) => -FloorDiv(-a, b);

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);
}
