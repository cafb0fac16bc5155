using System.Globalization;
using System.Text.RegularExpressions;
using LocalKube.Abstractions.Drivers;
using LocalKube.Abstractions.Errors;

namespace LocalKube.Cli;

/// <summary>
/// Parses flag values the way minikube accepts them. Every failure is a usage error that names the flag,
/// so a typo never reaches a driver.
/// </summary>
public static partial class FlagParsers
{
    /// <summary>minikube's default: 25 % of RAM clamped to [3072, 6144] MiB; a cgroup limit, not a reservation.</summary>
    public static long DefaultMemoryMiB(long totalMemoryBytes)
    {
        var quarter = totalMemoryBytes / 4 / (1024 * 1024) / 100 * 100;
        var totalMiB = totalMemoryBytes / (1024 * 1024);
        return totalMiB < 3072 ? totalMiB : Math.Clamp(quarter, 3072, 6144);
    }

    /// <summary><c>--memory</c>: <c>&lt;n&gt;[b|k|m|g]</c> (default unit MiB), <c>max</c> or <c>no-limit</c> (0 = no limit).</summary>
    public static long ParseMemoryMiB(string value, long totalMemoryBytes)
    {
        var v = value.Trim().ToLowerInvariant();
        if (v == "max")
        {
            return totalMemoryBytes / (1024 * 1024);
        }

        if (v == "no-limit")
        {
            return 0;
        }

        var match = MemoryPattern().Match(v);
        if (!match.Success || !double.TryParse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
        {
            throw Usage("--memory", value, "use a size such as 4096, 4096mb or 4g, or 'max' or 'no-limit'");
        }

        var mib = match.Groups[2].Value switch
        {
            "b" => n / (1024 * 1024),
            "k" or "kb" or "ki" or "kib" => n / 1024,
            "" or "m" or "mb" or "mi" or "mib" => n,
            "g" or "gb" or "gi" or "gib" => n * 1024,
            _ => -1,
        };
        if (mib < 256)
        {
            throw Usage("--memory", value, "the node needs at least 256 MiB");
        }

        return (long)mib;
    }

    /// <summary><c>--cpus</c>: a positive number, <c>max</c> or <c>no-limit</c> (0 = no limit).</summary>
    public static int ParseCpus(string value)
    {
        var v = value.Trim().ToLowerInvariant();
        if (v == "max")
        {
            return Environment.ProcessorCount;
        }

        if (v == "no-limit")
        {
            return 0;
        }

        if (!int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var cpus) || cpus < 1)
        {
            throw Usage("--cpus", value, "use a whole number of at least 1, 'max' or 'no-limit'");
        }

        if (cpus > Environment.ProcessorCount)
        {
            throw Usage("--cpus", value, $"this machine has {Environment.ProcessorCount} CPUs");
        }

        return cpus;
    }

    /// <summary><c>--ports</c>: <c>[HOSTIP:]HOST:NODE[/tcp|udp]</c>, comma-separated or repeated.</summary>
    public static IReadOnlyList<PortMapping> ParsePorts(IEnumerable<string> values)
    {
        var result = new List<PortMapping>();
        foreach (var item in values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            var match = PortPattern().Match(item);
            if (!match.Success)
            {
                throw Usage("--ports", item, "use HOST:NODE, for example 8080:80 or 127.0.0.1:8080:80/tcp");
            }

            var hostIp = match.Groups[1].Success ? match.Groups[1].Value : "127.0.0.1";
            var host = ParsePort("--ports", match.Groups[2].Value, item);
            var node = ParsePort("--ports", match.Groups[3].Value, item);
            var protocol = match.Groups[4].Success ? match.Groups[4].Value : "tcp";
            if (result.Any(p => p.HostPort == host && p.Protocol == protocol && p.HostIp == hostIp))
            {
                throw Usage("--ports", item, $"host port {host} is given twice");
            }

            result.Add(new PortMapping(host, node, protocol, hostIp));
        }

        return result;
    }

    /// <summary><c>--apiserver-port</c>: a TCP port; null when not given.</summary>
    public static int? ParseApiServerPort(int? value) =>
        value is null ? null : value is < 1 or > 65535 ? throw Usage("--apiserver-port", value.Value.ToString(CultureInfo.InvariantCulture), "use a port from 1 to 65535") : value;

    /// <summary><c>--container-runtime</c>: docker or simulated (case-insensitive).</summary>
    public static string ParseContainerRuntime(string value)
    {
        var runtime = value.Trim().ToLowerInvariant();
        return Core.Cluster.ClusterDefaults.ContainerRuntimes.Contains(runtime)
            ? runtime
            : throw Usage("--container-runtime", value, "use docker or simulated");
    }

    /// <summary><c>--extra-config component.key=value</c>.</summary>
    public static IReadOnlyList<string> ParseExtraConfig(IEnumerable<string> values)
    {
        var result = new List<string>();
        foreach (var value in values)
        {
            if (!ExtraConfigPattern().IsMatch(value))
            {
                throw Usage("--extra-config", value, "use component.key=value, for example apiserver.max-requests-inflight=800");
            }

            result.Add(value);
        }

        return result;
    }

    /// <summary>
    /// <c>--wait</c>: minikube's component names, <c>all</c>/<c>true</c>, or <c>none</c>/<c>false</c>.
    /// Returns false when start must not wait for readiness at all.
    /// </summary>
    public static bool ParseWait(IEnumerable<string> values)
    {
        string[] known = ["apiserver", "system_pods", "default_sa", "apps_running", "node_ready", "kubelet", "extra"];
        var items = values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        if (items.Count == 0)
        {
            return true;
        }

        if (items.Count == 1 && items[0] is "none" or "false")
        {
            return false;
        }

        foreach (var item in items)
        {
            if (item is not ("all" or "true") && !known.Contains(item))
            {
                throw Usage("--wait", item, $"use all, none, or a list of: {string.Join(", ", known)}");
            }
        }

        return true;
    }

    /// <summary>A Go-style duration as minikube takes it (<c>6m0s</c>, <c>90s</c>, <c>1h</c>); a bare number means seconds.</summary>
    public static TimeSpan ParseDuration(string flag, string value)
    {
        var v = value.Trim();
        if (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var bare) && bare > 0)
        {
            return TimeSpan.FromSeconds(bare);
        }

        var matches = DurationPart().Matches(v);
        if (matches.Count == 0 || string.Concat(matches.Select(m => m.Value)) != v)
        {
            throw Usage(flag, value, "use a duration such as 6m0s, 90s or 1h");
        }

        var total = TimeSpan.Zero;
        foreach (Match m in matches)
        {
            var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            total += m.Groups[2].Value switch
            {
                "h" => TimeSpan.FromHours(n),
                "m" => TimeSpan.FromMinutes(n),
                "s" => TimeSpan.FromSeconds(n),
                _ => TimeSpan.FromMilliseconds(n),
            };
        }

        return total > TimeSpan.Zero ? total : throw Usage(flag, value, "the duration must be positive");
    }

    private static int ParsePort(string flag, string text, string item) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535
            ? port
            : throw Usage(flag, item, $"'{text}' is not a port from 1 to 65535");

    private static LocalKubeException Usage(string flag, string value, string rule) =>
        new(Reasons.Usage, $"Invalid value '{value}' for {flag}: {rule}.");

    [GeneratedRegex(@"^([0-9]+(?:\.[0-9]+)?)\s*([a-z]*)$")]
    private static partial Regex MemoryPattern();

    [GeneratedRegex(@"^(?:([0-9.]+):)?([0-9]+):([0-9]+)(?:/(tcp|udp))?$")]
    private static partial Regex PortPattern();

    [GeneratedRegex(@"^[a-z][a-z0-9-]*\.[A-Za-z0-9][A-Za-z0-9._-]*=.*$")]
    private static partial Regex ExtraConfigPattern();

    [GeneratedRegex(@"([0-9]+(?:\.[0-9]+)?)(h|ms|m|s)")]
    private static partial Regex DurationPart();
}
