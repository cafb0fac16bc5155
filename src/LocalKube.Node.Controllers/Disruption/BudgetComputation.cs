using k8s.Models;

namespace LocalKube.Node.Controllers.Disruption;

/// <summary>A PodDisruptionBudget's computed status, or why it could not be computed.</summary>
/// <param name="CurrentHealthy">Ready pods not being deleted nor recently evicted.</param>
/// <param name="DesiredHealthy">Pods that must stay healthy.</param>
/// <param name="ExpectedPods">Pods there should be.</param>
/// <param name="DisruptionsAllowed">current − desired, 0 when negative or nothing is expected.</param>
/// <param name="DisruptedPods">Evictions not yet seen through (at most 2 minutes old).</param>
/// <param name="RecheckAt">When the oldest remembered eviction expires, if any.</param>
/// <param name="UnmanagedPods">Selected pods without a controller (a Warning when the budget needs scales).</param>
/// <param name="Error">Why the status could not be computed (status becomes 0 allowed, SyncFailed).</param>
internal sealed record BudgetComputation(
    int CurrentHealthy, int DesiredHealthy, int ExpectedPods, int DisruptionsAllowed, Dictionary<string, DateTime?> DisruptedPods,
    DateTime? RecheckAt, IReadOnlyList<string> UnmanagedPods, string? Error = null);
