using System.Globalization;

namespace LocalKube.Node.Kubelet.Runtime.Docker;

/// <summary>
/// Lowering a process's <c>oom_score_adj</c> below 0 needs CAP_SYS_RESOURCE. A node container made on a host whose
/// bounding set lacks it (the driver passes only what the host has) would have every sandbox (-998) and Guaranteed
/// container (-997) fail in runc ("can't get final child's PID from pipe"); without the capability, negative scores
/// are raised to 0, so pods run and only their OOM preference is lost.
/// </summary>
public static class OomScoreLimit
{
    private const int CapSysResource = 24;
    private static readonly Lazy<bool> CanLower = new(ReadCanLower);

    /// <summary><paramref name="score"/>, or 0 when it is negative and this process may not lower scores.</summary>
    public static int Clamp(int score) => score < 0 && !CanLower.Value ? 0 : score;

    private static bool ReadCanLower()
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("CapEff:", StringComparison.Ordinal));
            return line is null || (ulong.Parse(line["CapEff:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture) & (1UL << CapSysResource)) != 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return true;
        }
    }
}
