namespace LocalKube.Node.Scheduler.Framework;

/// <summary>The outcome of one scheduling attempt.</summary>
/// <param name="NodeName">The chosen node; null when the pod fits nowhere.</param>
/// <param name="State">The attempt's plugin state (the volume plan for the binding cycle lives here).</param>
/// <param name="FitError">Why the pod fits nowhere; null on success or an internal error.</param>
/// <param name="Error">An internal error (the attempt is retried with backoff).</param>
/// <param name="Preemption">The preemption the failure calls for, if any.</param>
public sealed record ScheduleResult(
    string? NodeName, CycleState State, FitError? FitError = null, string? Error = null, PreemptionPlan? Preemption = null)
{
    /// <summary>The message of the failure: upstream's FitError text, or the internal error.</summary>
    public string FailureMessage => FitError?.Message ?? Error ?? "";
}
