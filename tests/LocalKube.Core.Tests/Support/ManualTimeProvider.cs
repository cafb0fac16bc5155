namespace LocalKube.Core.Tests.Support;

/// <summary>A clock the test moves by hand (only wall-clock time; timers stay real).</summary>
internal sealed class ManualTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}
