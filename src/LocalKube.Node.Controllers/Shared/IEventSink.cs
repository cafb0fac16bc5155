using k8s;
using k8s.Models;

namespace LocalKube.Node.Controllers.Shared;

/// <summary>Where a workload controller's events go (the controller's recorder).</summary>
public interface IEventSink
{
    /// <summary>Records an event of <paramref name="type"/> (Normal, Warning) about <paramref name="regarding"/>.</summary>
    void Event(IKubernetesObject<V1ObjectMeta> regarding, string type, string reason, string message);
}
