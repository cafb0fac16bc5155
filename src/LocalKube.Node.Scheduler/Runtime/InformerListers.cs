using k8s.Models;
using LocalKube.Node.Client.Cache;
using LocalKube.Node.Scheduler.Framework;

namespace LocalKube.Node.Scheduler.Runtime;

/// <summary>The plugins' view of namespaces and storage objects, read from the shared informers' caches.</summary>
internal sealed class InformerListers(
    ILister<V1Namespace> namespaces,
    ILister<V1PersistentVolumeClaim> claims,
    ILister<V1PersistentVolume> volumes,
    ILister<V1StorageClass> classes) : ISchedulerListers
{
    /// <inheritdoc />
    public IDictionary<string, string>? NamespaceLabels(string name) => namespaces.Get(null, name)?.Metadata?.Labels;

    /// <inheritdoc />
    public V1PersistentVolumeClaim? Claim(string ns, string name) => claims.Get(ns, name);

    /// <inheritdoc />
    public V1PersistentVolume? Volume(string name) => volumes.Get(null, name);

    /// <inheritdoc />
    public IEnumerable<V1PersistentVolume> Volumes() => volumes.List();

    /// <inheritdoc />
    public V1StorageClass? StorageClass(string name) => classes.Get(null, name);
}
