using System.Globalization;

namespace LocalKube.Node.Kubelet.Runtime.Docker;

/// <summary>
/// The lowest <c>oom_score_adj</c> the node's engine may give a container. Lowering it below a process's own value needs
/// CAP_SYS_RESOURCE, which a docker node (no <c>--privileged</c>, docs/adr/0002) does not have: runc then fails every
/// start with "can't get final child's PID from pipe". Without the capability, the kubelet's values (sandbox -998,
/// Guaranteed -997, Burstable 2..999) are raised to this floor, as upstream does when running in a user namespace.
/// </summary>
internal static class OomScoreFloor
{
    private const int CapSysResource = 24;

    /// <summary>The floor for this process's engine (<c>-1000</c>: none), read from <c>/proc/self</c>.</summary>
    public static int OfThisProcess() => Compute(Read("/proc/self/status"), Read("/proc/self/oom_score_adj"));

    /// <summary>The floor from the text of <c>/proc/self/status</c> and <c>/proc/self/oom_score_adj</c>.</summary>
    public static int Compute(string? status, string? oomScoreAdj)
    {
        var own = int.TryParse(oomScoreAdj?.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : 0;
        var capEff = status?.Split('\n').FirstOrDefault(l => l.StartsWith("CapEff:", StringComparison.Ordinal))?["CapEff:".Length..].Trim();
        if (capEff is null || !ulong.TryParse(capEff, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var caps))
        {
            // Not Linux (tests on another OS): no floor.
            return -1000;
        }

        return (caps & (1UL << CapSysResource)) != 0 ? -1000 : own;
    }

    /// <summary><paramref name="value"/>, raised to <paramref name="floor"/>.</summary>
    public static int Clamp(int value, int floor) => Math.Max(value, floor);

    private static string? Read(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
