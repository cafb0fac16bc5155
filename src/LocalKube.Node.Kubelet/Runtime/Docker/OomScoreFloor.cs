using System.Globalization;

namespace LocalKube.Node.Kubelet.Runtime.Docker;

/// <summary>
/// The lowest <c>oom_score_adj</c> this node may give its containers. Lowering it needs CAP_SYS_RESOURCE; a node
/// container without it (hosts whose bounding set lacks it, so the driver cannot add it) fails every container
/// create that asks for less than its own value (runc: "can't get final child's PID from pipe"). As containerd
/// does for such nodes, requests are then raised to the node's own value.
/// </summary>
public static class OomScoreFloor
{
    private const int CapSysResource = 24;

    /// <summary>The node's own value when it lacks CAP_SYS_RESOURCE; null when it may set any (or this is not Linux).</summary>
    public static int? Detect(string procSelf = "/proc/self")
    {
        try
        {
            var status = File.ReadAllLines(Path.Combine(procSelf, "status"));
            var effective = status.FirstOrDefault(l => l.StartsWith("CapEff:", StringComparison.Ordinal));
            if (effective is null
                || !ulong.TryParse(effective["CapEff:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var caps)
                || (caps & (1UL << CapSysResource)) != 0)
            {
                return null;
            }

            return int.Parse(File.ReadAllText(Path.Combine(procSelf, "oom_score_adj")).Trim(), CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    /// <summary><paramref name="requested"/>, raised to <paramref name="floor"/> when there is one.</summary>
    public static int Apply(int requested, int? floor) => floor is { } f && requested < f ? f : requested;
}
