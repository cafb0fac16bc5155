using System.Buffers.Binary;
using System.Diagnostics;
using Google.Protobuf;
using LocalKube.Node.Storage;
using LocalKube.Node.Storage.Protocol;

namespace LocalKube.Storage.Bench;

/// <summary>The measured workloads; every loop is bounded in count and time.</summary>
internal static class Workloads
{
    public static readonly ByteString Value1K = ByteString.CopyFrom(new byte[1024]);

    public static ByteString Key(string prefix, int i) => ByteString.CopyFromUtf8($"{prefix}{i:D8}");

    public static ByteString PrefixEnd(string prefix)
    {
        var b = System.Text.Encoding.UTF8.GetBytes(prefix);
        b[^1]++;
        return ByteString.CopyFrom(b);
    }

    /// <summary>Puts from <paramref name="clients"/> concurrent callers; returns ops/s and latencies.</summary>
    public static async Task<(double OpsPerSecond, Latencies Latencies)> PutAsync(IReadOnlyList<IKeyValueStore> stores, int clients, int total, TimeSpan limit, string prefix)
    {
        var latencies = new Latencies();
        var next = -1;
        using var cts = new CancellationTokenSource(limit);
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var store = stores[c % stores.Count];
            int i;
            while ((i = Interlocked.Increment(ref next)) < total && !cts.IsCancellationRequested)
            {
                var start = Stopwatch.GetTimestamp();
                await store.PutAsync(new PutRequest { Key = Key(prefix, i % 10_000), Value = Value1K }, CancellationToken.None);
                latencies.Add(start);
            }
        })));
        return (latencies.Count / sw.Elapsed.TotalSeconds, latencies);
    }

    public static async Task<Latencies> GetAsync(IKeyValueStore store, string prefix, int count)
    {
        var latencies = new Latencies();
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await store.RangeAsync(new RangeRequest { Key = Key(prefix, i % 1000) }, CancellationToken.None);
            latencies.Add(start);
        }

        return latencies;
    }

    public static async Task<Latencies> RangePrefixAsync(IKeyValueStore store, string prefix, int count, int expected)
    {
        var latencies = new Latencies();
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var r = await store.RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8(prefix), RangeEnd = PrefixEnd(prefix) }, CancellationToken.None);
            latencies.Add(start);
            if (r.Kvs.Count != expected)
            {
                throw new InvalidOperationException($"range returned {r.Kvs.Count}, expected {expected}");
            }
        }

        return latencies;
    }

    /// <summary>Writes <paramref name="keys"/> keys of 1 KiB in txns of 100 puts (fast, unmeasured loading).</summary>
    public static async Task LoadAsync(IKeyValueStore store, string prefix, int keys)
    {
        var batches = Enumerable.Range(0, (keys + 99) / 100).ToList();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            int b;
            while ((b = Interlocked.Increment(ref next)) < batches.Count)
            {
                var txn = new TxnRequest();
                for (var i = b * 100; i < Math.Min(keys, (b + 1) * 100); i++)
                {
                    txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = Key(prefix, i), Value = Value1K } });
                }

                await store.TxnAsync(txn, CancellationToken.None);
            }
        })));
    }

    /// <summary>
    /// <paramref name="watchers"/> watches on one prefix, <paramref name="writes"/> puts from 16 writers. Each value
    /// carries its send time; returns the delivery latency of every event at every watcher, after checking that
    /// each watcher saw every event once, in revision order.
    /// </summary>
    public static async Task<Latencies> WatchFanoutAsync(Func<int, IKeyValueStore> storeFor, int watchers, int writes, string prefix)
    {
        var latencies = new Latencies();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var created = new CountdownEvent(watchers);
        var readers = Enumerable.Range(0, watchers).Select(w => Task.Run(async () =>
        {
            long last = 0;
            var seen = 0;
            var request = new WatchCreateRequest { Key = ByteString.CopyFromUtf8(prefix), RangeEnd = PrefixEnd(prefix) };
            await foreach (var response in storeFor(w).WatchAsync(request, cts.Token))
            {
                if (response.Created)
                {
                    created.Signal();
                    continue;
                }

                var now = Stopwatch.GetTimestamp();
                foreach (var e in response.Events)
                {
                    if (e.Kv.ModRevision <= last)
                    {
                        throw new InvalidOperationException($"watcher {w}: revision {e.Kv.ModRevision} after {last}");
                    }

                    last = e.Kv.ModRevision;
                    var sent = BinaryPrimitives.ReadInt64LittleEndian(e.Kv.Value.Span);
                    latencies.AddMs(Stopwatch.GetElapsedTime(sent, now).TotalMilliseconds);
                    seen++;
                }

                if (seen >= writes)
                {
                    return seen;
                }
            }

            return seen;
        })).ToArray();
        created.Wait(cts.Token);
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(c => Task.Run(async () =>
        {
            int i;
            var value = new byte[1024];
            while ((i = Interlocked.Increment(ref next)) < writes)
            {
                BinaryPrimitives.WriteInt64LittleEndian(value, Stopwatch.GetTimestamp());
                await storeFor(c).PutAsync(new PutRequest { Key = Key(prefix, i % 1000), Value = ByteString.CopyFrom(value) }, CancellationToken.None);
            }
        })));
        var counts = await Task.WhenAll(readers);
        if (counts.Any(c => c != writes))
        {
            throw new InvalidOperationException($"a watcher missed events: {string.Join(",", counts.Distinct())}");
        }

        return latencies;
    }
}
