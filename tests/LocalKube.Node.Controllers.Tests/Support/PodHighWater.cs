using k8s.Models;
using LocalKube.Node.Client.Informers;

namespace LocalKube.Node.Controllers.Tests.Support;

/// <summary>The highest number of live (not deleting) pods of a namespace seen across every pod event.</summary>
internal sealed class PodHighWater : IDisposable
{
    private readonly ISharedInformer<V1Pod> _pods;
    private readonly string _ns;
    private readonly IDisposable _registration;
    private int _max;

    public PodHighWater(ISharedInformer<V1Pod> pods, string ns)
    {
        _pods = pods;
        _ns = ns;
        _registration = pods.AddEventHandler(ResourceEventHandler<V1Pod>.ForAll(p =>
        {
            if (p.Metadata.NamespaceProperty == ns)
            {
                Observe();
            }
        }));
    }

    public int Max => Volatile.Read(ref _max);

    public int Events { get; private set; }

    public void Dispose() => _registration.Dispose();

    private void Observe()
    {
        lock (this)
        {
            Events++;
            var live = _pods.Lister.List(_ns).Count(p => p.Metadata.DeletionTimestamp is null && p.Status?.Phase is not ("Succeeded" or "Failed"));
            _max = Math.Max(_max, live);
        }
    }
}
