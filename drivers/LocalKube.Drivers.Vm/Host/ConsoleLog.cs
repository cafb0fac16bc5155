using System.Text;

namespace LocalKube.Drivers.Vm.Host;

/// <summary>
/// A node VM's serial console, captured to a file by the hypervisor. The image's init scripts print markers on it
/// (<c>LOCALKUBE-BOOTED</c>, <c>LOCALKUBE-BOOT-ERROR: why</c>, <c>LOCALKUBE-PROBE-OK</c>), which is how a driver
/// follows a boot without any other channel.
/// </summary>
public sealed class ConsoleLog(string path)
{
    /// <summary>Printed once the node's init has started its services and the guest agent.</summary>
    public const string BootedMarker = "LOCALKUBE-BOOTED";

    /// <summary>Printed, followed by the reason, when the boot cannot go on.</summary>
    public const string BootErrorMarker = "LOCALKUBE-BOOT-ERROR:";

    /// <summary>Printed by the initramfs of an accelerator probe boot.</summary>
    public const string ProbeMarker = "LOCALKUBE-PROBE-OK";

    /// <summary>The console file.</summary>
    public string Path => path;

    /// <summary>The whole console text so far (empty when there is none).</summary>
    public string Read()
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return reader.ReadToEnd();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return "";
        }
    }

    /// <summary>Whether the boot finished.</summary>
    public bool HasBooted() => Read().Contains(BootedMarker, StringComparison.Ordinal);

    /// <summary>The reason the boot stopped, when the init reported one.</summary>
    public string? BootError()
    {
        var text = Read();
        var at = text.LastIndexOf(BootErrorMarker, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var end = text.IndexOf('\n', at);
        return text[(at + BootErrorMarker.Length)..(end < 0 ? text.Length : end)].Trim();
    }

    /// <summary>The last <paramref name="count"/> non-empty lines, without terminal control sequences.</summary>
    public IReadOnlyList<string> Tail(int count) =>
        [.. Read().Split('\n').Select(Clean).Where(l => l.Length > 0).TakeLast(count)];

    /// <summary>The tail as an indented block for error messages.</summary>
    public string TailText(int count)
    {
        var lines = Tail(count);
        return lines.Count == 0 ? $"  (the console log {path} is empty)" : "  " + string.Join("\n  ", lines);
    }

    private static string Clean(string line)
    {
        var text = new StringBuilder(line.Length);
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == '\u001b')
            {
                // Skip "ESC [ ... letter" (SeaBIOS and the kernel clear the screen with these).
                i++;
                while (i < line.Length && !char.IsAsciiLetter(line[i]))
                {
                    i++;
                }

                continue;
            }

            if (!char.IsControl(line[i]))
            {
                text.Append(line[i]);
            }
        }

        return text.ToString().Trim();
    }
}
