namespace LocalKube.Node.Kubelet.Status;

/// <summary>
/// Why the last start of a container failed (upstream's reason cache): shown as the container's waiting reason and
/// message until the next attempt succeeds.
/// </summary>
/// <param name="Reason">ErrImagePull, ImagePullBackOff, CrashLoopBackOff, CreateContainerConfigError, ...</param>
/// <param name="Message">The detail, e.g. <c>back-off 40s restarting failed container=web pod=web_default(uid)</c>.</param>
public sealed record WaitingReason(string Reason, string Message);
