using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.Hosting;

/// <summary>
/// Base class of every node component: waits for its dependencies' readiness gates, runs, opens its own gate via
/// the callback, and on failure marks itself failed, records a non-zero exit code and stops the agent (k3s
/// <c>RequestShutdown</c>). Since .NET 10 <see cref="BackgroundService.ExecuteAsync"/> never blocks host startup,
/// so waiting on gates here does not delay other services.
/// </summary>
public abstract partial class NodeComponentService : BackgroundService
{
    private readonly IComponentReadiness _readiness;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly NodeExitStatus _exitStatus;

    /// <summary>Creates the service from the agent's <paramref name="context"/>; the logger is named after the type.</summary>
    protected NodeComponentService(NodeComponentContext context)
        : this(
            (context ?? throw new ArgumentNullException(nameof(context))).Readiness,
            context.Lifetime,
            context.ExitStatus,
            context.LoggerFactory.CreateLogger(string.Empty))
    {
        Logger = context.LoggerFactory.CreateLogger(GetType().FullName ?? GetType().Name);
        Time = context.Time;
    }

    /// <summary>Creates the service.</summary>
    protected NodeComponentService(
        IComponentReadiness readiness, IHostApplicationLifetime lifetime, NodeExitStatus exitStatus, ILogger logger)
    {
        _readiness = readiness ?? throw new ArgumentNullException(nameof(readiness));
        _lifetime = lifetime ?? throw new ArgumentNullException(nameof(lifetime));
        _exitStatus = exitStatus ?? throw new ArgumentNullException(nameof(exitStatus));
        Logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>The component this service hosts.</summary>
    public abstract NodeComponent Component { get; }

    /// <summary>Components that must be ready before <see cref="RunAsync"/> starts.</summary>
    public virtual IReadOnlyList<NodeComponent> DependsOn => [];

    /// <summary>The component's logger.</summary>
    protected ILogger Logger { get; }

    /// <summary>The agent's clock (<see cref="TimeProvider.System"/> unless built from a context).</summary>
    protected TimeProvider Time { get; } = TimeProvider.System;

    /// <summary>
    /// Runs the component until <paramref name="stoppingToken"/> is cancelled. Call <paramref name="markReady"/> once
    /// it serves. Returning early (without cancellation) is treated as a failure: a component runs for the whole
    /// life of the agent.
    /// </summary>
    protected abstract Task RunAsync(Action markReady, CancellationToken stoppingToken);

    /// <inheritdoc />
    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            foreach (var dependency in DependsOn)
            {
                Log.WaitingFor(Logger, Component.Name, dependency.Name);
                await _readiness.WhenReady(dependency, stoppingToken);
            }

            Log.Starting(Logger, Component.Name);
            await RunAsync(MarkReady, stoppingToken);
            if (!stoppingToken.IsCancellationRequested)
            {
                throw new InvalidOperationException($"component {Component} stopped on its own");
            }

            Log.Stopped(Logger, Component.Name);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Normal shutdown.
            Log.Stopped(Logger, Component.Name);
        }
        catch (ComponentRefusedException e)
        {
            // Fixable by the user (e.g. a missing certificate): say why, keep the agent up so /readyz can say it too.
            Log.Refused(Logger, Component.Name, e.Message);
            _readiness.MarkRefused(Component, e);
        }
        catch (DependencyFailedException e) when (e.InnerException is ComponentRefusedException refused)
        {
            Log.DependencyRefused(Logger, Component.Name, e.Dependency.Name);
            _readiness.MarkRefused(Component, new ComponentRefusedException($"its dependency {e.Dependency} was refused: {refused.Message}", e));
        }
        catch (DependencyFailedException e)
        {
            // The dependency already logged its own failure and stopped the host; say why this one never started.
            Log.DependencyFailed(Logger, Component.Name, e.Dependency.Name);
            Fail(e);
        }
        catch (Exception e)
        {
            Log.Failed(Logger, Component.Name, e);
            Fail(e);
        }

        // Not rethrown on purpose: the failure is logged, recorded and the host is stopping; a rethrow would only
        // make the host log the same exception twice more (BackgroundServiceExceptionBehavior).
    }

    private void MarkReady()
    {
        _readiness.MarkReady(Component);
        Log.Ready(Logger, Component.Name);
    }

    private void Fail(Exception e)
    {
        _readiness.MarkFailed(Component, e);
        _exitStatus.ReportFailure(Component);
        _lifetime.StopApplication();
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Component {Component} waits for {Dependency}")]
        public static partial void WaitingFor(ILogger logger, string component, string dependency);

        [LoggerMessage(2, LogLevel.Information, "Starting component {Component}")]
        public static partial void Starting(ILogger logger, string component);

        [LoggerMessage(3, LogLevel.Information, "Component {Component} is ready")]
        public static partial void Ready(ILogger logger, string component);

        [LoggerMessage(4, LogLevel.Information, "Component {Component} stopped")]
        public static partial void Stopped(ILogger logger, string component);

        [LoggerMessage(5, LogLevel.Critical, "Component {Component} failed; stopping the agent")]
        public static partial void Failed(ILogger logger, string component, Exception exception);

        [LoggerMessage(6, LogLevel.Error, "Component {Component} did not start: its dependency {Dependency} failed")]
        public static partial void DependencyFailed(ILogger logger, string component, string dependency);

        [LoggerMessage(7, LogLevel.Error, "Component {Component} refused to start: {Reason}")]
        public static partial void Refused(ILogger logger, string component, string reason);

        [LoggerMessage(8, LogLevel.Error, "Component {Component} did not start: its dependency {Dependency} was refused")]
        public static partial void DependencyRefused(ILogger logger, string component, string dependency);
    }
}
