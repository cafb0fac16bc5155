using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.Hosting;

/// <summary>
/// What every <see cref="NodeComponentService"/> needs from the agent, in one parameter: the readiness gates, the
/// host's lifetime (to stop the agent on failure), the exit status, logging and the clock. Registered once by
/// <see cref="NodeServiceCollectionExtensions.AddLocalKubeNode"/>.
/// </summary>
/// <param name="Readiness">The components' readiness gates.</param>
/// <param name="Lifetime">Stops the agent when a component fails.</param>
/// <param name="ExitStatus">Records the failing component and the exit code.</param>
/// <param name="LoggerFactory">Creates each component's logger.</param>
/// <param name="Time">The agent's clock (tests use a fake one).</param>
public sealed record NodeComponentContext(
    IComponentReadiness Readiness,
    IHostApplicationLifetime Lifetime,
    NodeExitStatus ExitStatus,
    ILoggerFactory LoggerFactory,
    TimeProvider Time);
