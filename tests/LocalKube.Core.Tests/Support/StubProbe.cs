using LocalKube.Abstractions.Drivers;

namespace LocalKube.Core.Tests.Support;

/// <summary>A probe that answers a fixed health, optionally after a delay, or hangs ignoring cancellation.</summary>
internal sealed class StubProbe(DriverHealth health, TimeSpan delay = default, bool ignoreCancellation = false) : IDriverProbe
{
    public int Calls { get; private set; }

    public async ValueTask<DriverHealth> ProbeAsync(CancellationToken cancellationToken)
    {
        Calls++;
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, ignoreCancellation ? CancellationToken.None : cancellationToken);
        }

        return health;
    }
}

/// <summary>A probe that throws, which a real probe must never do.</summary>
internal sealed class ThrowingProbe : IDriverProbe
{
    public ValueTask<DriverHealth> ProbeAsync(CancellationToken cancellationToken) =>
        throw new InvalidOperationException("probe bug");
}
