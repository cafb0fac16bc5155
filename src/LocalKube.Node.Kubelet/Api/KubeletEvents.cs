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
            "Unhealthy" or "ProbeWarning" => "Probe",
            "FailedMount" => "Mount",
            "BackOff" => "BackOff",
            "SandboxChanged" or "FailedCreatePodSandBox" => "Sandbox",
            "FailedPostStartHook" or "FailedPreStopHook" => "Hook",
            _ => "Sync",
        };
        recorder.Eventf(pod, null, type, reason, action, message);
    }
}
