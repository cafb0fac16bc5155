using System.Globalization;
using System.Text.Json;

namespace LocalKube.Node.ApiServer.Rest;

/// <summary>
/// Reads a <c>resource.Quantity</c> the way apimachinery's <c>ParseQuantity</c> does, with its three errors, before
/// KubernetesClient's <c>ResourceQuantity</c> sees it: that parser throws .NET exceptions with other wording for the
/// same inputs, and it does exact arithmetic on the whole number, so <c>1e999999999</c> would keep a request busy
/// for minutes. Quantities no resource needs (more than <see cref="MaxDigits"/> digits or a decimal exponent beyond
/// ±<see cref="MaxExponent"/>) are refused with Go's numeric-part error; upstream would store them.
/// </summary>
public static class GoQuantity
{
    /// <summary>Go's error for text that is not a quantity at all.</summary>
    public const string FormatWrong = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

    /// <summary>Go's error for a number it cannot represent.</summary>
    public const string Numeric = "unable to parse quantity's numeric part";

    /// <summary>Go's error for an unknown suffix.</summary>
    public const string Suffix = "unable to parse quantity's suffix";

    /// <summary>Most digits in the number part.</summary>
    public const int MaxDigits = 300;

    /// <summary>Largest decimal exponent, either way.</summary>
    public const int MaxExponent = 300;

    private static readonly string[] DecimalSuffixes = ["n", "u", "m", "", "k", "M", "G", "T", "P", "E"];
    private static readonly string[] BinarySuffixes = ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];

    /// <summary>
    /// The quantity in a form KubernetesClient parses to the same value (sign, digits, suffix, no redundant zeros).
    /// </summary>
    /// <exception cref="FormatError">With Go's message when upstream refuses <paramref name="text"/> (or it is beyond the limits).</exception>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var str = text.Trim(' ', '\t', '\n', '\v', '\f', '\r', '\u0085', '\u00a0');
        if (str.Length == 0)
        {
            throw new FormatError(FormatWrong);
        }

        var (positive, num, denom, suffix) = Scan(str);
        if (num.Length + denom.Length > MaxDigits)
        {
            throw new FormatError(Numeric);
        }

        if (!DecimalSuffixes.Contains(suffix) && !BinarySuffixes.Contains(suffix))
        {
            if (suffix.Length < 2 || suffix[0] is not ('e' or 'E')
                || !long.TryParse(suffix.AsSpan(1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var exponent))
            {
                throw new FormatError(Suffix);
            }

            if (exponent is > MaxExponent or < -MaxExponent)
            {
                throw new FormatError(Numeric);
            }

            suffix = "e" + exponent.ToString(CultureInfo.InvariantCulture);
        }

        var sign = positive ? "" : "-";
        return denom.Length == 0 ? $"{sign}{num}{suffix}" : $"{sign}{num}.{denom}{suffix}";
    }

    // apimachinery's parseQuantityString: sign, leading zeros, numerator, denominator, suffix letters, then an
    // optional signed exponent; anything left over is the format error.
    private static (bool Positive, string Num, string Denom, string Suffix) Scan(string str)
    {
        var positive = true;
        var pos = 0;
        var end = str.Length;
        if (str[0] is '-' or '+')
        {
            positive = str[0] == '+';
            pos++;
        }

        while (pos < end && str[pos] == '0')
        {
            pos++;
        }

        if (pos == end)
        {
            return (positive, "0", "", "");
        }

        var start = pos;
        while (pos < end && char.IsAsciiDigit(str[pos]))
        {
            pos++;
        }

        var num = pos == start ? "0" : str[start..pos];
        var denom = "";
        if (pos < end && str[pos] == '.')
        {
            start = ++pos;
            while (pos < end && char.IsAsciiDigit(str[pos]))
            {
                pos++;
            }

            denom = str[start..pos];
        }

        var suffixStart = pos;
        while (pos < end && "eEinumkKMGTP".Contains(str[pos], StringComparison.Ordinal))
        {
            pos++;
        }

        if (pos < end && str[pos] is '-' or '+')
        {
            pos++;
        }

        while (pos < end && char.IsAsciiDigit(str[pos]))
        {
            pos++;
        }

        if (pos < end)
        {
            throw new FormatError(FormatWrong);
        }

        return (positive, num, denom, str[suffixStart..]);
    }

    /// <summary>A quantity upstream refuses; the message is Go's.</summary>
    public sealed class FormatError(string message) : JsonException(message);
}
