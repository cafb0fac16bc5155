using k8s;
using k8s.Models;
using LocalKube.Node.Client.Events;

namespace LocalKube.Node.Controllers.Shared;

/// <summary>
/// <see cref="IEventSink"/> over a controller's recorder. events.k8s.io wants an action as well as a reason: it is
/// the verb the reason names (SuccessfulCreate → Create, ScalingReplicaSet → Scaling), else the reason itself.
/// </summary>
public sealed class RecorderEventSink(IEventRecorder recorder) : IEventSink
{
    /// <inheritdoc />
    public void Event(IKubernetesObject<V1ObjectMeta> regarding, string type, string reason, string message) =>
        recorder.Eventf(regarding, null, type, reason, ActionOf(reason), message);

    /// <summary>The action recorded with <paramref name="reason"/>.</summary>
    public static string ActionOf(string reason)
    {
        foreach (var prefix in (string[])["Successful", "Failed"])
        {
            if (reason.Length > prefix.Length && reason.StartsWith(prefix, StringComparison.Ordinal))
            {
                return reason[prefix.Length..];
            }
        }

        return reason switch
        {
            "ScalingReplicaSet" => "Scaling",
            "SawCompletedJob" => "Reconciling",
            _ => reason,
        };
    }
}
