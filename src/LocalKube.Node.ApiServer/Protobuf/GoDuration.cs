using System.Globalization;
using System.Text;

namespace LocalKube.Node.ApiServer.Protobuf;

/// <summary>Go's <c>time.Duration.String()</c> text (metav1.Duration's JSON): "1h0m0s", "1.5s", "300ms", "0s".</summary>
internal static class GoDuration
{
    public static string Format(long nanoseconds)
    {
        if (nanoseconds == 0)
        {
            return "0s";
        }

        var negative = nanoseconds < 0;
        var u = negative ? (ulong)(-(nanoseconds + 1)) + 1 : (ulong)nanoseconds;
        var text = new StringBuilder();
        if (u < 1_000_000_000)
        {
            // Below a second Go picks the largest unit that keeps the integer part non-zero.
            if (u < 1_000)
            {
                text.Append(u.ToString(CultureInfo.InvariantCulture)).Append("ns");
            }
            else if (u < 1_000_000)
            {
                text.Append(Fraction(u, 3)).Append("µs");
            }
            else
            {
                text.Append(Fraction(u, 6)).Append("ms");
            }
        }
        else
        {
            var seconds = Fraction(u, 9);
            var whole = u / 1_000_000_000;
            text.Append(seconds[(whole.ToString(CultureInfo.InvariantCulture).Length)..]);
            text.Insert(0, (whole % 60).ToString(CultureInfo.InvariantCulture)).Append('s');
            whole /= 60;
            if (whole > 0)
            {
                text.Insert(0, (whole % 60).ToString(CultureInfo.InvariantCulture) + "m");
                whole /= 60;
                if (whole > 0)
                {
                    text.Insert(0, whole.ToString(CultureInfo.InvariantCulture) + "h");
                }
            }
        }

        return negative ? "-" + text : text.ToString();
    }

    // v / 10^digits with the fraction's trailing zeros (and a bare point) dropped.
    private static string Fraction(ulong v, int digits)
    {
        var scale = (ulong)Math.Pow(10, digits);
        var fraction = (v % scale).ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0').TrimEnd('0');
        var whole = (v / scale).ToString(CultureInfo.InvariantCulture);
        return fraction.Length == 0 ? whole : whole + "." + fraction;
    }
}
