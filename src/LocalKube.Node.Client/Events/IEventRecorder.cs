using k8s;
using k8s.Models;

namespace LocalKube.Node.Client.Events;

/// <summary>
/// Records events.k8s.io/v1 Events about objects (client-go's <c>events.EventRecorder</c>). Never blocks and never
/// throws: events are written in the background, isomorphic ones aggregated into a series.
/// </summary>
public interface IEventRecorder
{
    /// <summary>The controller named in <c>reportingController</c>.</summary>
    string ReportingController { get; }

    /// <summary>
    /// Records that <paramref name="action"/> happened to <paramref name="regarding"/> (optionally involving
    /// <paramref name="related"/>), for <paramref name="reason"/>, with a human <paramref name="note"/>.
    /// </summary>
    /// <param name="regarding">The object the event is about.</param>
    /// <param name="related">A second object involved, or null.</param>
    /// <param name="eventType"><see cref="EventTypes.Normal"/> or <see cref="EventTypes.Warning"/>.</param>
    /// <param name="reason">A short CamelCase reason, e.g. <c>SuccessfulCreate</c>.</param>
    /// <param name="action">What was done or failed, e.g. <c>Create</c>.</param>
    /// <param name="note">A human description (cut to 1 kB).</param>
    void Eventf(IKubernetesObject<V1ObjectMeta> regarding, IKubernetesObject<V1ObjectMeta>? related, string eventType, string reason, string action, string note);

    /// <summary>
    /// As <see cref="Eventf(IKubernetesObject{V1ObjectMeta}, IKubernetesObject{V1ObjectMeta}?, string, string, string, string)"/>,
    /// about a part of <paramref name="regarding"/> named by <paramref name="regardingFieldPath"/> (the kubelet's
    /// <c>spec.containers{name}</c>), so events of two containers of one pod never fold into one series.
    /// </summary>
    /// <param name="regarding">The object the event is about.</param>
    /// <param name="regardingFieldPath">The part of it, or null for the whole object.</param>
    /// <param name="eventType"><see cref="EventTypes.Normal"/> or <see cref="EventTypes.Warning"/>.</param>
    /// <param name="reason">A short CamelCase reason.</param>
    /// <param name="action">What was done or failed.</param>
    /// <param name="note">A human description (cut to 1 kB).</param>
    void EventAbout(IKubernetesObject<V1ObjectMeta> regarding, string? regardingFieldPath, string eventType, string reason, string action, string note) =>
        Eventf(regarding, null, eventType, reason, action, note);
}
