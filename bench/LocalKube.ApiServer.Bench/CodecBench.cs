using System.Diagnostics;
using k8s.Models;
using LocalKube.Node.ApiServer.Catalog;
using LocalKube.Node.ApiServer.Catalog.Core;
using LocalKube.Node.ApiServer.Catalog.Pods;
using LocalKube.Node.ApiServer.Rest;

namespace LocalKube.ApiServer.Bench;

/// <summary>
/// <c>codec</c>: in-process costs of one stored pod on the read paths (decode, table cells, metadata, splice),
/// to see where the server's time per object goes without HTTP, TLS or a client on the same cores.
/// </summary>
internal static class CodecBench
{
    public static void Run()
    {
        var strategy = new PodStrategy();
        var pod = BenchPods.Pod("pod-00001", "bench");
        pod.Metadata.NamespaceProperty = "bench";
        pod.Metadata.Uid = Guid.NewGuid().ToString();
        pod.Metadata.CreationTimestamp = DateTime.UtcNow;
        strategy.Default(pod);
        pod.Metadata.ResourceVersion = null;
        var raw = ObjectCodec.ToBytes(pod);
        Console.WriteLine($"stored pod: {raw.Length} bytes");
        const int n = 5_000;
        var now = DateTimeOffset.UtcNow;
        V1Pod decoded = null!;
        Time("decode (ObjectCodec.ToObject)", n, () => decoded = (V1Pod)ObjectCodec.ToObject(raw, typeof(V1Pod)));
        Time("table cells (PodPrinter)", n, () => PodPrinter.Cells(decoded, now));
        Time("partial metadata (WritePartial)", n, () => ResponseWriter.Render(j => ResponseWriter.WritePartial(j, decoded, "v1")));
        Time("serialize object (ToBytes)", n, () => ObjectCodec.ToBytes(decoded));
        Time("splice resourceVersion (WithResourceVersion)", n, () => ObjectCodec.WithResourceVersion(raw, 12345));
        Time("read labels (ReadLabels)", n, () => ObjectCodec.ReadLabels(raw));
    }

    private static void Time(string what, int n, Action action)
    {
        for (var i = 0; i < 200; i++)
        {
            action();
        }

        var t = Stopwatch.GetTimestamp();
        for (var i = 0; i < n; i++)
        {
            action();
        }

        Console.WriteLine($"{what}: {Stopwatch.GetElapsedTime(t).TotalMicroseconds / n:F1} µs");
    }
}
