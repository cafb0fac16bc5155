using System.Diagnostics;
using System.Text;
using k8s.Models;
using LocalKube.Node.ApiServer.Patching;
using LocalKube.Node.ApiServer.Rest;

// Strategic merge patch of a 200-container pod: the server's CPU work for one PATCH, in-process and single-threaded —
// parse the stored object, parse the patch, merge, decode into the typed model (as the update path does) and encode
// the result for the store. Storage (the fsynced write) is not included. Bounded: at most N iterations or 30 s per
// scenario. Usage: [--iterations N] (default 2000).
var iterations = args.SkipWhile(a => a != "--iterations").Skip(1).Select(int.Parse).FirstOrDefault(2000);
var budget = TimeSpan.FromSeconds(30);

var pod = new V1Pod
{
    ApiVersion = "v1",
    Kind = "Pod",
    Metadata = new V1ObjectMeta { Name = "big", NamespaceProperty = "bench", Labels = new Dictionary<string, string> { ["app"] = "big" } },
    Spec = new V1PodSpec
    {
        Containers = Enumerable.Range(0, 200).Select(i => new V1Container
        {
            Name = $"c{i:D3}",
            Image = "registry.example/app:1.0",
            Ports = [new V1ContainerPort { ContainerPort = 8000 + i, Protocol = "TCP" }],
            Env = [new V1EnvVar { Name = "A", Value = "1" }, new V1EnvVar { Name = "B", Value = i.ToString(System.Globalization.CultureInfo.InvariantCulture) }],
            Resources = new V1ResourceRequirements { Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("100m") } },
            VolumeMounts = [new V1VolumeMount { Name = "data", MountPath = $"/data/{i}" }],
        }).ToList(),
        Volumes = [new V1Volume { Name = "data", EmptyDir = new V1EmptyDirVolumeSource() }],
    },
};
var stored = ObjectCodec.ToBytes(pod);
var order = string.Join(",", Enumerable.Range(0, 200).Select(i => $$"""{"name":"c{{i:D3}}"}"""));
var scenarios = new (string Name, byte[] Patch)[]
{
    ("one image (kubectl apply: $setElementOrder of all 200)",
        Encoding.UTF8.GetBytes("{\"spec\":{\"$setElementOrder/containers\":[" + order + "],\"containers\":[{\"name\":\"c150\",\"image\":\"registry.example/app:2.0\"}]}}")),
    ("every image, env var changed and one deleted in each",
        Encoding.UTF8.GetBytes("{\"spec\":{\"containers\":[" + string.Join(",", Enumerable.Range(0, 200).Select(i =>
            "{\"name\":\"c" + i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture)
            + "\",\"image\":\"registry.example/app:2.0\",\"$setElementOrder/env\":[{\"name\":\"B\"}],\"env\":[{\"name\":\"B\",\"value\":\"x\"},{\"$patch\":\"delete\",\"name\":\"A\"}]}")) + "]}}")),
    ("one label (no list work)", Encoding.UTF8.GetBytes("""{"metadata":{"labels":{"tier":"web"}}}""")),
};

Console.WriteLine($"pod: 200 containers, {stored.Length:N0} bytes stored; {iterations} iterations per scenario (30 s cap)");
Console.WriteLine("| Scenario | whole PATCH work: median | p90 | min | merge step alone: median | min |");
Console.WriteLine("|---|---|---|---|---|---|");
foreach (var (name, patch) in scenarios)
{
    for (var i = 0; i < 50; i++)
    {
        Once(stored, patch);
    }

    var times = new List<double>(iterations);
    var clock = Stopwatch.StartNew();
    for (var i = 0; i < iterations && clock.Elapsed < budget; i++)
    {
        var t = Stopwatch.GetTimestamp();
        Once(stored, patch);
        times.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
    }

    // The merge alone: parsing and the typed round trip excluded.
    var merges = new List<double>(iterations);
    clock.Restart();
    for (var i = 0; i < iterations && clock.Elapsed < budget; i++)
    {
        var current = ObjectCodec.ParseObject(stored);
        var body = PatchBody.ParseObject(patch, "");
        var t = Stopwatch.GetTimestamp();
        StrategicMergePatch.Apply(current, body, typeof(V1Pod));
        merges.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
    }

    times.Sort();
    merges.Sort();
    Console.WriteLine($"| {name} | {times[times.Count / 2]:F3} ms | {times[(int)(times.Count * 0.9)]:F3} ms | {times[0]:F3} ms | {merges[merges.Count / 2]:F3} ms | {merges[0]:F3} ms |");
}

static byte[] Once(byte[] stored, byte[] patch)
{
    var current = ObjectCodec.ParseObject(stored);
    var patched = StrategicMergePatch.Apply(current, PatchBody.ParseObject(patch, ""), typeof(V1Pod));
    var typed = ObjectCodec.ToObject(patched, typeof(V1Pod));
    return ObjectCodec.ToBytes(typed);
}
