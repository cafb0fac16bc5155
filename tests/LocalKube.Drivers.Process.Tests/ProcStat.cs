using System.Globalization;

namespace LocalKube.Drivers.Process.Tests;

/// <summary>The fields of /proc/&lt;pid&gt;/stat the tests look at.</summary>
internal sealed record ProcStat(char State, int ParentPid, int ProcessGroup, int Session, int TtyNumber)
{
    /// <summary>Reads /proc/<paramref name="pid"/>/stat, or /proc/self/stat for null.</summary>
    public static ProcStat Read(int? pid = null)
    {
        var text = File.ReadAllText($"/proc/{(pid is { } p ? p.ToString(CultureInfo.InvariantCulture) : "self")}/stat");

        // The command name (field 2) is in parentheses and may contain spaces: split after the last ')'.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return new ProcStat(
            fields[0][0],
            int.Parse(fields[1], CultureInfo.InvariantCulture),
            int.Parse(fields[2], CultureInfo.InvariantCulture),
            int.Parse(fields[3], CultureInfo.InvariantCulture),
            int.Parse(fields[4], CultureInfo.InvariantCulture));
    }
}
