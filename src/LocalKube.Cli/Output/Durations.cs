using System.Globalization;

namespace LocalKube.Cli.Output;

/// <summary>Formats step durations the same way in every renderer.</summary>
public static class Durations
{
    public static string Format(TimeSpan elapsed) =>
        elapsed.TotalSeconds < 10
            ? elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s"
            : elapsed.TotalSeconds.ToString("0", CultureInfo.InvariantCulture) + "s";
}
