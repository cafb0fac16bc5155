using System.Globalization;

namespace LocalKube.Drivers.Xhyve;

/// <summary>
/// macOS's bootpd leases file (<c>/var/db/dhcpd_leases</c>), which vmnet's DHCP server writes: blocks of
/// <c>{ name=... ip_address=... hw_address=1,aa:bb:... identifier=... lease=0x... }</c>.
/// </summary>
internal static class DhcpLeases
{
    /// <summary>One lease.</summary>
    public sealed record Entry(string Name, string IpAddress, string HardwareAddress, string Identifier, long Lease);

    /// <summary>Parses the file's text; a block missing a field still yields an entry, a malformed line is skipped.</summary>
    public static IReadOnlyList<Entry> Parse(string text)
    {
        var entries = new List<Entry>();
        Dictionary<string, string>? current = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line == "{")
            {
                current = [];
            }
            else if (line == "}" && current is not null)
            {
                entries.Add(new Entry(
                    current.GetValueOrDefault("name", ""),
                    current.GetValueOrDefault("ip_address", ""),
                    // The hardware address has the type in front: "1,aa:bb:...".
                    current.GetValueOrDefault("hw_address", "") is { } hw && hw.Contains(',', StringComparison.Ordinal) ? hw[(hw.IndexOf(',', StringComparison.Ordinal) + 1)..] : "",
                    current.GetValueOrDefault("identifier", ""),
                    long.TryParse(current.GetValueOrDefault("lease", "").Replace("0x", "", StringComparison.OrdinalIgnoreCase), NumberStyles.HexNumber,
                        CultureInfo.InvariantCulture, out var lease) ? lease : 0));
                current = null;
            }
            else if (current is not null && line.IndexOf('=', StringComparison.Ordinal) is > 0 and var at)
            {
                current[line[..at]] = line[(at + 1)..];
            }
        }

        return entries;
    }

    /// <summary>
    /// The newest lease of the host named <paramref name="hostname"/> (the node sends its name with its DHCP request);
    /// null when there is none.
    /// </summary>
    public static Entry? Newest(string path, string hostname)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            return null;
        }

        return Parse(text).Where(e => e.Name == hostname && e.IpAddress.Length > 0).MaxBy(e => e.Lease);
    }

    /// <summary>The address of the newest lease of <paramref name="hostname"/>; null when there is none.</summary>
    public static string? AddressOf(string path, string hostname) => Newest(path, hostname)?.IpAddress;
}
