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

/// <summary>A probe that answers only once every probe of its meeting is running (proves they run concurrently).</summary>
internal sealed class RendezvousProbe(RendezvousProbe.Meeting meeting, DriverHealth health) : IDriverProbe
{
    public async ValueTask<DriverHealth> ProbeAsync(CancellationToken cancellationToken)
    {
        await meeting.ArriveAsync(cancellationToken);
        return health;
    }

    /// <summary>Completes for everyone once <paramref name="count"/> probes have arrived.</summary>
    internal sealed class Meeting(int count)
    {
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _arrived;

        public Task ArriveAsync(CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _arrived) == count)
            {
                _all.TrySetResult();
            }

            return _all.Task.WaitAsync(cancellationToken);
        }
    }
}
