using System.Collections.Concurrent;
using k8s.Models;
using LocalKube.Node.Client.Informers;

namespace LocalKube.Node.Client.Tests;

/// <summary>A handler that writes down every notification it gets, as "Add name rv", "Update name rv→rv", "Delete name rv[ tombstone]".</summary>
internal sealed class Recorder<T> : IResourceEventHandler<T>
    where T : class, k8s.IKubernetesObject<V1ObjectMeta>
{
    private readonly ConcurrentQueue<string> _calls = new();

    public IReadOnlyList<string> Calls => [.. _calls];

    public int InitialAdds;

    public void OnAdd(T obj, bool isInInitialList)
    {
        if (isInInitialList)
        {
            Interlocked.Increment(ref InitialAdds);
        }

        _calls.Enqueue($"Add {obj.Metadata.Name} {obj.Metadata.ResourceVersion}");
    }

    public void OnUpdate(T oldObj, T newObj) =>
        _calls.Enqueue($"Update {newObj.Metadata.Name} {oldObj.Metadata.ResourceVersion}->{newObj.Metadata.ResourceVersion}");

    public void OnDelete(T obj, bool finalStateUnknown) =>
        _calls.Enqueue($"Delete {obj.Metadata.Name} {obj.Metadata.ResourceVersion}{(finalStateUnknown ? " tombstone" : "")}");

    /// <summary>Waits until <paramref name="condition"/> holds for the calls (10 s at most).</summary>
    public async Task WaitAsync(Func<IReadOnlyList<string>, bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!condition(Calls))
        {
            if (timeout.IsCancellationRequested)
            {
                Assert.Fail($"timed out waiting for {what}; calls so far:\n{string.Join('\n', Calls)}");
            }

            await Task.Delay(10);
        }
    }
}
