using k8s.Models;

namespace LocalKube.Node.Scheduler.Framework;

/// <summary>The cached objects, other than nodes and pods, that plugins read.</summary>
public interface ISchedulerListers
{
    /// <summary>The labels of namespace <paramref name="name"/> (null when unknown), for affinity namespaceSelectors.</summary>
    IDictionary<string, string>? NamespaceLabels(string name);

    /// <summary>A PersistentVolumeClaim, or null.</summary>
    V1PersistentVolumeClaim? Claim(string ns, string name);

    /// <summary>A PersistentVolume, or null.</summary>
    V1PersistentVolume? Volume(string name);

    /// <summary>Every PersistentVolume.</summary>
    IEnumerable<V1PersistentVolume> Volumes();

    /// <summary>A StorageClass, or null.</summary>
    V1StorageClass? StorageClass(string name);
}
