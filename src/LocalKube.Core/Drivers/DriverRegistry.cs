using System.Diagnostics;
using LocalKube.Abstractions.Drivers;
using LocalKube.Abstractions.Errors;
using Microsoft.Extensions.DependencyInjection;

namespace LocalKube.Core.Drivers;

/// <summary>
/// The drivers this build knows (minikube's registry): resolves them by name or alias, case-insensitively, and runs
/// their health checks.
/// </summary>
/// <remarks>
/// Drivers plug in through DI: a <see cref="DriverDescriptor"/> singleton plus an <see cref="IDriver"/> and an
/// <see cref="IDriverProbe"/> keyed by the descriptor's name.
/// </remarks>
public sealed class DriverRegistry
{
    /// <summary>The default time allowed to each health check (minikube #17479).</summary>
    public static readonly TimeSpan DefaultProbeTimeout = TimeSpan.FromSeconds(20);

    private readonly IReadOnlyList<DriverRegistration> _registrations;

    /// <summary>Builds the registry from explicit registrations (tests, or hosts without DI).</summary>
    /// <exception cref="LocalKubeException"><see cref="Reasons.Internal"/> when two drivers share a name or alias.</exception>
    public DriverRegistry(IEnumerable<DriverRegistration> registrations)
    {
        _registrations = registrations.ToList();
        var owners = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var descriptor in _registrations.Select(r => r.Descriptor))
        {
            foreach (var name in descriptor.Aliases.Prepend(descriptor.Name))
            {
                if (!owners.TryAdd(name, descriptor.Name))
                {
                    throw new LocalKubeException(
                        Reasons.Internal,
                        $"The driver name or alias '{name}' is registered twice (by '{owners[name]}' and by '{descriptor.Name}').");
                }
            }
        }
    }

    /// <summary>Time allowed to each health check before it counts as unhealthy.</summary>
    public TimeSpan ProbeTimeout { get; init; } = DefaultProbeTimeout;

    /// <summary>Every known driver, in registration order.</summary>
    public IReadOnlyList<DriverDescriptor> Descriptors => _registrations.Select(r => r.Descriptor).ToList();

    /// <summary>Builds the registry from the DI container: descriptors plus keyed drivers and probes.</summary>
    /// <exception cref="LocalKubeException"><see cref="Reasons.Internal"/> for duplicates or a descriptor without its keyed services.</exception>
    public static DriverRegistry FromServices(IServiceProvider services)
    {
        var keyed = services.GetService<IServiceProviderIsKeyedService>();
        var registrations = new List<DriverRegistration>();
        foreach (var descriptor in services.GetServices<DriverDescriptor>())
        {
            var name = descriptor.Name;
            if (keyed is not null && (!keyed.IsKeyedService(typeof(IDriver), name) || !keyed.IsKeyedService(typeof(IDriverProbe), name)))
            {
                throw new LocalKubeException(
                    Reasons.Internal,
                    $"The driver '{name}' has a descriptor but no IDriver and IDriverProbe registered under the key '{name}'.");
            }

            registrations.Add(new DriverRegistration(
                descriptor,
                () => services.GetRequiredKeyedService<IDriver>(name),
                () => services.GetRequiredKeyedService<IDriverProbe>(name)));
        }

        return new DriverRegistry(registrations);
    }

    /// <summary>The driver called <paramref name="nameOrAlias"/>, or null.</summary>
    public DriverDescriptor? Find(string? nameOrAlias) =>
        nameOrAlias is null ? null : _registrations.FirstOrDefault(r => r.Descriptor.Matches(nameOrAlias))?.Descriptor;

    /// <summary>The driver called <paramref name="nameOrAlias"/>.</summary>
    /// <exception cref="LocalKubeException"><see cref="Reasons.Usage"/> listing the known drivers.</exception>
    public DriverDescriptor Resolve(string nameOrAlias) => Registration(nameOrAlias).Descriptor;

    /// <summary>The driver implementation called <paramref name="nameOrAlias"/>.</summary>
    /// <exception cref="LocalKubeException"><see cref="Reasons.Usage"/> listing the known drivers.</exception>
    public IDriver GetDriver(string nameOrAlias) => Registration(nameOrAlias).CreateDriver();

    /// <summary>Runs one driver's health check with <see cref="ProbeTimeout"/>. Never throws for an unhealthy host.</summary>
    /// <exception cref="LocalKubeException"><see cref="Reasons.Usage"/> for an unknown driver.</exception>
    /// <exception cref="OperationCanceledException">When <paramref name="cancellationToken"/> is cancelled.</exception>
    public Task<DriverProbeResult> ProbeAsync(string nameOrAlias, CancellationToken cancellationToken) =>
        ProbeAsync(Registration(nameOrAlias), cancellationToken);

    /// <summary>Runs the health checks of <paramref name="drivers"/> concurrently, each with <see cref="ProbeTimeout"/>.</summary>
    /// <exception cref="OperationCanceledException">When <paramref name="cancellationToken"/> is cancelled.</exception>
    public async Task<IReadOnlyList<DriverProbeResult>> ProbeAllAsync(IEnumerable<DriverDescriptor> drivers, CancellationToken cancellationToken)
    {
        var probes = drivers.Select(d => ProbeAsync(Registration(d.Name), cancellationToken)).ToList();
        return await Task.WhenAll(probes);
    }

    private async Task<DriverProbeResult> ProbeAsync(DriverRegistration registration, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        DriverHealth health;
        try
        {
            // Yield first so a probe that blocks synchronously cannot serialise the others.
            await Task.Yield();
            // WaitAsync enforces the timeout even on a probe that ignores its token.
            health = await registration.CreateProbe().ProbeAsync(timeout.Token).AsTask().WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            health = new DriverHealth(
                Installed: true,
                Healthy: false,
                Error: $"the health check did not answer within {ProbeTimeout.TotalSeconds:0.#}s",
                Fix: $"Check that '{registration.Descriptor.Name}' works on its own, then retry.");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A probe must report problems, not throw; treat a crash as an unhealthy driver rather than failing start.
            health = new DriverHealth(Installed: false, Healthy: false, Error: $"the health check failed: {e.Message}");
        }

        return new DriverProbeResult(registration.Descriptor, health, Stopwatch.GetElapsedTime(started));
    }

    private DriverRegistration Registration(string nameOrAlias) =>
        _registrations.FirstOrDefault(r => r.Descriptor.Matches(nameOrAlias))
        ?? throw new LocalKubeException(
            Reasons.Usage,
            _registrations.Count == 0
                ? $"Invalid value '{nameOrAlias}' for --driver: no drivers are registered in this build."
                : $"Invalid value '{nameOrAlias}' for --driver: unknown driver. Known drivers: {string.Join(", ", _registrations.Select(r => Describe(r.Descriptor)))}.");

    private static string Describe(DriverDescriptor d) =>
        d.Aliases.Count == 0 ? d.Name : $"{d.Name} (alias {string.Join(", ", d.Aliases)})";
}
