using k8s.Models;

namespace LocalKube.Node.Kubelet.Lifecycle;

/// <summary>A running container the sync must stop, and why (the text of the Killing event).</summary>
/// <param name="ContainerId">The runtime's ID.</param>
/// <param name="Container">Its spec.</param>
/// <param name="Message">E.g. <c>Container web failed liveness probe, will be restarted</c>.</param>
/// <param name="Reason">What triggered it: <c>liveness</c>, <c>startup</c>, <c>changed</c>, <c>unknown</c>.</param>
/// <param name="IsProbeFailure">Killed by a liveness or startup probe (its grace may come from the probe).</param>
public sealed record ContainerToKill(string ContainerId, V1Container Container, string Message, string Reason, bool IsProbeFailure);
