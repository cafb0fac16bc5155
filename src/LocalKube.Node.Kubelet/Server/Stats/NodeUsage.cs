using System.Globalization;

namespace LocalKube.Node.Kubelet.Server.Stats;

/// <summary>
/// The node's own usage, read from its cgroup (a docker node is a container: its cgroup is the node) with /proc as the
/// fallback, its root filesystem and its primary network interface.
/// </summary>
internal sealed record NodeUsage(
    ulong CpuUsageCoreNanoSeconds,
    ulong MemoryUsageBytes,
    ulong MemoryWorkingSetBytes,
    ulong MemoryRssBytes,
    ulong MemoryAvailableBytes,
    ulong PageFaults,
    ulong MajorPageFaults,
    string Interface,
    ulong RxBytes,
    ulong TxBytes,
    ulong RxErrors,
    ulong TxErrors,
    ulong FsCapacityBytes,
    ulong FsAvailableBytes,
    long MaxPid,
    long Processes)
{
    /// <summary>Samples the node now; <paramref name="rootDirectory"/> is the filesystem reported (the kubelet's root).</summary>
    public static NodeUsage Read(string rootDirectory)
    {
        var cpuStat = ReadKeyValues("/sys/fs/cgroup/cpu.stat");
        var cpu = cpuStat.TryGetValue("usage_usec", out var usec) ? usec * 1000 : ProcCpuNanoseconds();
        var memStat = ReadKeyValues("/sys/fs/cgroup/memory.stat");
        var meminfo = ReadKeyValues("/proc/meminfo");
        var total = (meminfo.GetValueOrDefault("MemTotal") * 1024);
        var limit = ReadNumber("/sys/fs/cgroup/memory.max") is { } max && max < total ? max : total;
        var usage = ReadNumber("/sys/fs/cgroup/memory.current") ?? (total - meminfo.GetValueOrDefault("MemAvailable") * 1024);
        var inactiveFile = memStat.GetValueOrDefault("inactive_file");
        var workingSet = usage > inactiveFile ? usage - inactiveFile : 0;
        var (iface, rx, tx, rxErr, txErr) = ReadNetwork();
        ulong capacity = 0, available = 0;
        try
        {
            var drive = new DriveInfo(Directory.Exists(rootDirectory) ? rootDirectory : "/");
            capacity = (ulong)drive.TotalSize;
            available = (ulong)drive.AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // No filesystem facts: report zeros rather than fail the summary.
        }

        return new NodeUsage(
            cpu, usage, workingSet, memStat.GetValueOrDefault("anon"), limit > workingSet ? limit - workingSet : 0,
            memStat.GetValueOrDefault("pgfault"), memStat.GetValueOrDefault("pgmajfault"),
            iface, rx, tx, rxErr, txErr, capacity, available,
            (long)(ReadNumber("/proc/sys/kernel/pid_max") ?? 0), Directory.GetDirectories("/proc").Count(d => Path.GetFileName(d).All(char.IsAsciiDigit)));
    }

    private static ulong ProcCpuNanoseconds()
    {
        try
        {
            var line = File.ReadLines("/proc/stat").First();
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(f => ulong.Parse(f, CultureInfo.InvariantCulture)).ToList();

            // user nice system idle iowait irq softirq steal, in USER_HZ (100 per second).
            var busy = fields.Sum(f => (decimal)f) - fields[3] - fields[4];
            return (ulong)(busy * 10_000_000m);
        }
        catch (Exception e) when (e is IOException or FormatException or InvalidOperationException or ArgumentOutOfRangeException)
        {
            return 0;
        }
    }

    private static (string, ulong, ulong, ulong, ulong) ReadNetwork()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/net/dev").Skip(2))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                var name = line[..colon].Trim();
                if (name == "lo")
                {
                    continue;
                }

                var f = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => ulong.Parse(v, CultureInfo.InvariantCulture)).ToArray();
                if (name == "eth0" || name.StartsWith("en", StringComparison.Ordinal))
                {
                    return (name, f[0], f[8], f[2], f[10]);
                }
            }
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException)
        {
            // No network facts.
        }

        return ("eth0", 0, 0, 0, 0);
    }

    private static Dictionary<string, ulong> ReadKeyValues(string path)
    {
        var values = new Dictionary<string, ulong>(StringComparer.Ordinal);
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                var parts = line.Split([' ', ':'], StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length >= 2 && ulong.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var v))
                {
                    values[parts[0]] = v;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Absent on this host (cgroup v1, or no cgroup of our own).
        }

        return values;
    }

    private static ulong? ReadNumber(string path)
    {
        try
        {
            return ulong.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
