using k8s.Models;
using LocalKube.Node.Client.Events;
using LocalKube.Node.Kubelet.Probes;

namespace LocalKube.Node.Kubelet.Api;

/// <summary>The kubelet's events through the client layer's recorder (reporting controller <c>kubelet</c>).</summary>
internal sealed class KubeletEvents(IEventRecorder recorder) : IKubeletEventSink
{
    public void Record(V1Pod pod, string? container, string type, string reason, string message)
    {
        var action = reason switch
        {
            "Pulling" or "Pulled" or "ErrImageNeverPull" or "InspectFailed" => "Pull",
            "Created" => "Create",
            "Started" => "Start",
            "Killing" => "Kill",
            // One action per probe kind: events.k8s.io/v1 folds events by action, not by note, and a liveness
            // failure must not hide in the series of readiness failures (upstream's core/v1 events keep the message apart).
            "Unhealthy" or "ProbeWarning" => message.Split(' ', 2)[0] is "Liveness" or "Readiness" or "Startup" ? message.Split(' ', 2)[0] + "Probe" : "Probe",
            "FailedMount" => "Mount",
            "BackOff" => message.StartsWith("Back-off pulling", StringComparison.Ordinal) ? "PullBackOff" : "BackOff",
            // The pull's own failure and startContainer's "Error: <waiting reason>" that follows it are apart upstream
            // (core/v1 events differ by message); here each gets its own action, so neither folds into the other.
            "Failed" when message.StartsWith("Failed to pull image", StringComparison.Ordinal) => "Pull",
            "Failed" when message.StartsWith("Error: ", StringComparison.Ordinal) && message.IndexOf(' ', 7) < 0 && message.Length > 7 => message[7..],
            "SandboxChanged" or "FailedCreatePodSandBox" => "Sandbox",
            "FailedPostStartHook" or "FailedPreStopHook" => "Hook",
            _ => "Sync",
        };
        recorder.EventAbout(pod, FieldPath(pod, container), type, reason, action, message);
    }

    /// <summary>Upstream's reference to a container of a pod (<c>spec.containers{name}</c>, <c>spec.initContainers{name}</c>).</summary>
    public static string? FieldPath(V1Pod pod, string? container)
    {
        if (string.IsNullOrEmpty(container))
        {
            return null;
        }

        if (pod.Spec?.InitContainers?.Any(c => c.Name == container) == true)
        {
            return $"spec.initContainers{{{container}}}";
        }

        return pod.Spec?.EphemeralContainers?.Any(c => c.Name == container) == true
            ? $"spec.ephemeralContainers{{{container}}}"
            : $"spec.containers{{{container}}}";
    }
}
