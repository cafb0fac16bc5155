using System.Globalization;
using System.Numerics;
using k8s.Models;

namespace LocalKube.Node.ApiServer.Catalog.Validation;

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

    /// <summary>
    /// Go's <c>q.String()</c>: the sign, then the magnitude's canonical text. KubernetesClient's own
    /// <see cref="ResourceQuantity.ToString"/> is used only where it is right: it mis-writes every negative quantity
    /// ("-1" becomes "-0.000000000000000001E"), never returns for a negative one with a decimal exponent ("-1e3"),
    /// which let one request keep a thread busy forever, and overflows on large values (a 250-digit integer). So it
    /// sees only magnitudes below <see cref="ClientFormatLimit"/>; larger values are written here.
    /// </summary>
    public static string Format(ResourceQuantity q)
    {
        ArgumentNullException.ThrowIfNull(q);
        decimal value;
        try
        {
            value = q.ToDecimal();
        }
        catch (OverflowException)
        {
            return FormatInteger(q.ToBigInteger(), q.Format);
        }

        if (Math.Abs(value) >= ClientFormatLimit)
        {
            return FormatInteger(q.ToBigInteger(), q.Format);
        }

        return value >= 0 ? q.ToString() : "-" + new ResourceQuantity(-value, 0, q.Format).ToString();
    }

    /// <summary>Magnitudes from here up are formatted by <see cref="FormatInteger"/> (10^18, the largest SI suffix).</summary>
    private const decimal ClientFormatLimit = 1e18m;

    private static readonly string[] DecimalSuffixes = ["", "k", "M", "G", "T", "P", "E"];
    private static readonly string[] BinarySuffixes = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];

    // apimachinery's CanonicalizeBytes for a whole number. Decimal: the factors of ten move into an exponent that is
    // a multiple of three, written as an SI suffix (DecimalSI) up to E, else as e<n> (upstream's fix of 2026 for
    // values past E, which older releases wrote without their suffix). Binary: the factors of 1024, up to Ei. A
    // fraction below one is dropped: at these magnitudes it is far beyond the 300 digits a quantity may carry.
    private static string FormatInteger(BigInteger value, ResourceQuantity.SuffixFormat format)
    {
        if (value.IsZero)
        {
            return "0";
        }

        var sign = value.Sign < 0 ? "-" : "";
        var magnitude = BigInteger.Abs(value);
        if (format == ResourceQuantity.SuffixFormat.BinarySI)
        {
            var power = 0;
            while (power < BinarySuffixes.Length - 1 && (magnitude % 1024).IsZero)
            {
                magnitude /= 1024;
                power++;
            }

            return sign + magnitude.ToString(CultureInfo.InvariantCulture) + BinarySuffixes[power];
        }

        var digits = magnitude.ToString(CultureInfo.InvariantCulture);
        var mantissa = digits.TrimEnd('0');
        var exponent = digits.Length - mantissa.Length;
        mantissa += new string('0', exponent % 3);
        exponent -= exponent % 3;
        var suffix = format == ResourceQuantity.SuffixFormat.DecimalSI && exponent / 3 < DecimalSuffixes.Length
            ? DecimalSuffixes[exponent / 3]
            : exponent == 0 ? "" : "e" + exponent.ToString(CultureInfo.InvariantCulture);
        return sign + mantissa + suffix;
    }
}
