namespace LocalKube.Abstractions.Drivers;

/// <summary>Checks whether a driver can be used on this host. Must be cheap and must honour cancellation.</summary>
public interface IDriverProbe
{
    /// <summary>Probes the driver. Never throws for an unhealthy host: it reports it.</summary>
    ValueTask<DriverHealth> ProbeAsync(CancellationToken cancellationToken);
}
