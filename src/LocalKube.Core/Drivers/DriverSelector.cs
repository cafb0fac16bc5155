using System.Text;
using LocalKube.Abstractions.Drivers;
using LocalKube.Abstractions.Errors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LocalKube.Core.Drivers;

/// <summary>
/// Chooses the driver for <c>start</c>, in minikube's order: the existing profile's driver, then the requested one,
/// then the best healthy default candidate by priority.
/// </summary>
public sealed partial class DriverSelector
{
    private readonly DriverRegistry _registry;
    private readonly string _platform;
    private readonly ILogger _logger;

    /// <summary>Creates a selector for this host's OS.</summary>
    public DriverSelector(DriverRegistry registry, ILogger<DriverSelector>? logger = null)
        : this(registry, HostPlatform.Current, logger)
    {
    }

    /// <summary>Creates a selector for <paramref name="platform"/> (see <see cref="HostPlatform"/>); tests use it.</summary>
    public DriverSelector(DriverRegistry registry, string platform, ILogger<DriverSelector>? logger = null)
    {
        _registry = registry;
        _platform = platform;
        _logger = logger ?? NullLogger<DriverSelector>.Instance;
    }

    /// <summary>Chooses the driver for <paramref name="profile"/>.</summary>
    /// <param name="profile">The profile, for messages.</param>
    /// <param name="requestedDriver">The <c>--driver</c> value (or config default); null to auto-select.</param>
    /// <param name="existingDriver">The driver recorded in the existing profile; null for a new profile.</param>
    /// <param name="cancellationToken">Cancels the health checks.</param>
    /// <param name="vmOnly">Auto-selection considers only VM drivers (<c>--vm</c>); a named driver is used as asked.</param>
    /// <exception cref="LocalKubeException">
    /// <see cref="Reasons.Usage"/> for an unknown driver; <see cref="Reasons.DriverMismatch"/> when
    /// <paramref name="requestedDriver"/> contradicts the existing profile; <see cref="Reasons.DriverUnsupportedOs"/>;
    /// the probe's reason when a named driver is unhealthy; <see cref="Reasons.DriverNotDetected"/> when nothing is usable.
    /// </exception>
    public async Task<DriverSelection> SelectAsync(
        string profile, string? requestedDriver, string? existingDriver, CancellationToken cancellationToken, bool vmOnly = false)
    {
        var requested = string.IsNullOrWhiteSpace(requestedDriver) ? null : _registry.Resolve(requestedDriver);
        if (!string.IsNullOrWhiteSpace(existingDriver))
        {
            var existing = _registry.Resolve(existingDriver);
            if (requested is not null && !string.Equals(requested.Name, existing.Name, StringComparison.Ordinal))
            {
                throw new LocalKubeException(
                    Reasons.DriverMismatch,
                    $"The profile '{profile}' was created with the '{existing.Name}' driver; --driver={requestedDriver} cannot change it.");
            }

            return await UseNamedAsync(existing, DriverSelectionSource.ExistingProfile, cancellationToken);
        }

        if (requested is not null)
        {
            return await UseNamedAsync(requested, DriverSelectionSource.Requested, cancellationToken);
        }

        var candidates = _registry.Descriptors
            .Where(d => d.Platforms.Contains(_platform, StringComparer.OrdinalIgnoreCase))
            .Where(d => !vmOnly || d.Has(DriverCapabilities.VirtualMachine))
            .ToList();
        var results = await _registry.ProbeAllAsync(candidates, cancellationToken);
        foreach (var result in results)
        {
            Log.Probed(_logger, result.Descriptor.Name, result.Health.Installed, result.Health.Healthy, result.Health.Error, result.Elapsed.TotalMilliseconds);
        }

        var (pick, alternates, rejected) = Suggest(results);
        if (pick is null)
        {
            throw new LocalKubeException(Reasons.DriverNotDetected, NothingUsable(rejected));
        }

        Log.Picked(_logger, pick.Descriptor.Name, profile);
        return new DriverSelection(pick, DriverSelectionSource.Automatic, alternates, rejected);
    }

    /// <summary>
    /// Ranks probe results: healthy before unhealthy, then by priority, then registration order. The pick is the best
    /// installed, healthy, default candidate above <see cref="DriverPriority.Discouraged"/>.
    /// </summary>
    internal static (DriverProbeResult? Pick, IReadOnlyList<DriverProbeResult> Alternates, IReadOnlyList<DriverRejection> Rejected) Suggest(
        IReadOnlyList<DriverProbeResult> results)
    {
        var ranked = results
            .Select((r, i) => (Result: r, Index: i))
            .OrderByDescending(x => x.Result.Health.Healthy)
            .ThenByDescending(x => x.Result.Descriptor.Priority)
            .ThenBy(x => x.Index)
            .Select(x => x.Result)
            .ToList();
        var pick = ranked.FirstOrDefault(IsAutoCandidate);
        var alternates = new List<DriverProbeResult>();
        var rejected = new List<DriverRejection>();
        foreach (var result in ranked.Where(r => r != pick))
        {
            var (d, h) = (result.Descriptor, result.Health);
            if (!h.Installed)
            {
                rejected.Add(new DriverRejection(d, $"not installed: {h.Error ?? "not found"}", FixFor(h), h.Documentation));
            }
            else if (!h.Healthy)
            {
                rejected.Add(new DriverRejection(d, $"not healthy: {h.Error ?? "the health check failed"}", FixFor(h), h.Documentation));
            }
            else if (!IsAutoCandidate(result))
            {
                rejected.Add(new DriverRejection(d, "never picked automatically", $"Use it explicitly: 'localkube start --driver={d.Name}'.", h.Documentation));
            }
            else
            {
                alternates.Add(result);
            }
        }

        return (pick, alternates, rejected);
    }

    private static bool IsAutoCandidate(DriverProbeResult r) =>
        r.Health is { Installed: true, Healthy: true } && r.Descriptor.IsDefaultCandidate && r.Descriptor.Priority > DriverPriority.Discouraged;

    private async Task<DriverSelection> UseNamedAsync(DriverDescriptor driver, DriverSelectionSource source, CancellationToken cancellationToken)
    {
        if (!driver.Platforms.Contains(_platform, StringComparer.OrdinalIgnoreCase))
        {
            throw new LocalKubeException(
                Reasons.DriverUnsupportedOs,
                $"The '{driver.Name}' driver requires {string.Join(" or ", driver.Platforms.Select(HostPlatform.DisplayName))}; this host runs {HostPlatform.DisplayName(_platform)}.");
        }

        var result = await _registry.ProbeAsync(driver.Name, cancellationToken);
        var health = result.Health;
        Log.Probed(_logger, driver.Name, health.Installed, health.Healthy, health.Error, result.Elapsed.TotalMilliseconds);
        if (!health.Healthy)
        {
            var reason = Reasons.All.FirstOrDefault(r => r.Id == health.ReasonId) ?? (health.Installed ? Reasons.DriverNotHealthy : Reasons.DriverNotDetected);
            var message = new StringBuilder($"The '{driver.Name}' driver is not usable: {health.Error ?? (health.Installed ? "its health check failed" : "it is not installed")}.");
            if (health.Fix is not null)
            {
                message.Append($"\nFix: {health.Fix}");
            }

            if (health.Documentation is not null)
            {
                message.Append($"\nDocumentation: {health.Documentation}");
            }

            throw new LocalKubeException(reason, message.ToString());
        }

        return new DriverSelection(result, source, [], []);
    }

    private static string? FixFor(DriverHealth health) =>
        health.Fix ?? Reasons.All.FirstOrDefault(r => r.Id == health.ReasonId)?.Advice;

    private string NothingUsable(IReadOnlyList<DriverRejection> rejected)
    {
        if (rejected.Count == 0)
        {
            return $"Unable to pick a driver: none of the drivers in this build supports {HostPlatform.DisplayName(_platform)}.";
        }

        var text = new StringBuilder("Unable to pick a default driver. Here is what was considered, in preference order:");
        foreach (var r in rejected)
        {
            text.Append($"\n  - {r.Descriptor.Name}: {r.Reason}");
            if (r.Fix is not null)
            {
                text.Append($"\n      Fix: {r.Fix}");
            }

            if (r.Documentation is not null)
            {
                text.Append($"\n      Documentation: {r.Documentation}");
            }
        }

        return text.ToString();
    }

    private static partial class Log
    {
        // Next free EventId: 303.
        [LoggerMessage(EventId = 301, Level = LogLevel.Debug,
            Message = "Driver {Driver}: installed={Installed} healthy={Healthy} error={Error} ({ElapsedMs:0} ms)")]
        public static partial void Probed(ILogger logger, string driver, bool installed, bool healthy, string? error, double elapsedMs);

        [LoggerMessage(EventId = 302, Level = LogLevel.Information, Message = "Picked driver {Driver} for profile {Profile}")]
        public static partial void Picked(ILogger logger, string driver, string profile);
    }
}
