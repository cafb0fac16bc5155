using k8s;
using k8s.Models;

namespace LocalKube.Node.Client.Events;

/// <summary>An <see cref="IEventRecorder"/> of one controller, feeding an <see cref="EventBroadcaster"/>.</summary>
internal sealed class EventRecorder(EventBroadcaster broadcaster, string reportingController, string reportingInstance) : IEventRecorder
{
    public string ReportingController => reportingController;

    public void Eventf(IKubernetesObject<V1ObjectMeta> regarding, IKubernetesObject<V1ObjectMeta>? related, string eventType, string reason, string action, string note) =>
        broadcaster.Record(regarding, related, eventType, reason, action, note, reportingController, reportingInstance);

    public void EventAbout(IKubernetesObject<V1ObjectMeta> regarding, string? regardingFieldPath, string eventType, string reason, string action, string note) =>
        broadcaster.Record(regarding, null, eventType, reason, action, note, reportingController, reportingInstance, regardingFieldPath);
}
