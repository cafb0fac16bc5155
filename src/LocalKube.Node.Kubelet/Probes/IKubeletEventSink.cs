using k8s.Models;

namespace LocalKube.Node.Kubelet.Probes;

/// <summary>Where the kubelet's events go (the client layer's recorder, as the kubelet's identity).</summary>
public interface IKubeletEventSink
{
    /// <summary>Records an event about <paramref name="pod"/>, or one of its containers when <paramref name="container"/> is set.</summary>
    /// <param name="pod">The pod.</param>
    /// <param name="container">The container (the event's fieldPath is <c>spec.containers{name}</c>), or null.</param>
    /// <param name="type"><c>Normal</c> or <c>Warning</c>.</param>
    /// <param name="reason">E.g. <c>Unhealthy</c>, <c>Killing</c>, <c>Pulled</c>.</param>
    /// <param name="message">The upstream message text.</param>
    void Record(V1Pod pod, string? container, string type, string reason, string message);
}
