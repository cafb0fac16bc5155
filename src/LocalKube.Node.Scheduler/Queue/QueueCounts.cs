namespace LocalKube.Node.Scheduler.Queue;

/// <summary>How many pods each part of the queue holds (upstream's <c>scheduler_pending_pods</c> by queue).</summary>
/// <param name="Active">Ready to be scheduled.</param>
/// <param name="Backoff">Waiting out their backoff.</param>
/// <param name="Unschedulable">Waiting for a cluster change (includes gated pods).</param>
/// <param name="Gated">Waiting for their scheduling gates to go.</param>
/// <param name="InFlight">Being scheduled or bound.</param>
public readonly record struct QueueCounts(int Active, int Backoff, int Unschedulable, int Gated, int InFlight);
