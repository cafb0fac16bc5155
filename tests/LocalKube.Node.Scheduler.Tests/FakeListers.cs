using k8s.Models;
using LocalKube.Node.Scheduler.Framework;

namespace LocalKube.Node.Scheduler.Tests;

/// <summary>In-memory listers for namespaces and storage objects.</summary>
internal sealed class FakeListers : ISchedulerListers
{
    public Dictionary<string, IDictionary<string, string>> Namespaces { get; } = [];

    public List<V1PersistentVolumeClaim> Claims { get; } = [];

    public List<V1PersistentVolume> Pvs { get; } = [];

    public List<V1StorageClass> Classes { get; } = [];

    public IDictionary<string, string>? NamespaceLabels(string name) => Namespaces.GetValueOrDefault(name);

    public V1PersistentVolumeClaim? Claim(string ns, string name) =>
        Claims.FirstOrDefault(c => c.Metadata.NamespaceProperty == ns && c.Metadata.Name == name);

    public V1PersistentVolume? Volume(string name) => Pvs.FirstOrDefault(v => v.Metadata.Name == name);

    public IEnumerable<V1PersistentVolume> Volumes() => Pvs;

    public V1StorageClass? StorageClass(string name) => Classes.FirstOrDefault(c => c.Metadata.Name == name);
}
