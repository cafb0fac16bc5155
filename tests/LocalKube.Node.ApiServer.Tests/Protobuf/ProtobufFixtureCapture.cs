using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.Protobuf;

/// <summary>
/// Produces <c>Protobuf/Fixtures</c>: protobuf request bodies encoded by kubectl 1.32 itself (upstream's marshallers),
/// read from its <c>-v=10</c> log (client-go hex-dumps binary bodies), each with kubectl's own JSON of the same object
/// (<c>--dry-run=client -o json</c>) where it prints one. Run by hand when the served kinds change:
/// <c>LOCALKUBE_WRITE_FIXTURES=1 dotnet test --filter ProtobufFixtureCapture</c>; CI checks the fixtures
/// (<see cref="ProtobufFixtureTests"/>) without kubectl.
/// </summary>
[TestFixture]
[Explicit("Writes the fixtures; run by hand with LOCALKUBE_WRITE_FIXTURES=1")]
public sealed partial class ProtobufFixtureCapture
{
    /// <summary>The fixtures: a name and the kubectl arguments that post the body (in namespace fx).</summary>
    internal static readonly (string Name, string[] Args, bool HasJson)[] Commands =
    [
        ("deployment", ["create", "deployment", "web", "--image=nginx:1.25", "--replicas=3", "--port=8080"], true),
        ("deployment-zero-replicas", ["create", "deployment", "idle", "--image=nginx:1.25", "--replicas=0"], true),
        ("configmap", ["create", "configmap", "app", "--from-literal=a=1", "--from-literal=b=two words", "--from-file=bin=@BINARY"], true),
        ("secret-generic", ["create", "secret", "generic", "creds", "--from-literal=user=admin", "--from-literal=pass=s3cr3t"], true),
        ("secret-docker-registry", ["create", "secret", "docker-registry", "reg", "--docker-server=registry.example", "--docker-username=u", "--docker-password=p", "--docker-email=u@example.com"], true),
        ("service-clusterip", ["create", "service", "clusterip", "svc", "--tcp=80:8080", "--tcp=443:8443"], true),
        ("service-nodeport", ["create", "service", "nodeport", "np", "--tcp=80:8080", "--node-port=30080"], true),
        ("service-loadbalancer", ["create", "service", "loadbalancer", "lb", "--tcp=443:8443"], true),
        ("service-externalname", ["create", "service", "externalname", "ext", "--external-name=db.example.com"], true),
        ("serviceaccount", ["create", "serviceaccount", "robot"], true),
        ("namespace", ["create", "namespace", "fx-other"], true),
        ("resourcequota", ["create", "quota", "q", "--hard=cpu=2,memory=1Gi,pods=10", "--scopes=NotTerminating"], true),
        ("priorityclass", ["create", "priorityclass", "high", "--value=1000", "--description=important", "--preemption-policy=Never"], true),
        ("poddisruptionbudget", ["create", "poddisruptionbudget", "pdb", "--selector=app=web", "--min-available=2"], true),
        ("role", ["create", "role", "r", "--verb=get,list", "--resource=pods,configmaps", "--resource-name=x"], true),
        ("rolebinding", ["create", "rolebinding", "rb", "--role=r", "--user=alice", "--serviceaccount=fx:robot", "--group=devs"], true),
        ("clusterrole", ["create", "clusterrole", "cr", "--verb=get", "--non-resource-url=/logs/*"], true),
        ("clusterrole-aggregated", ["create", "clusterrole", "agg", "--aggregation-rule=rbac.example.com/aggregate-to-monitoring=true"], true),
        ("clusterrolebinding", ["create", "clusterrolebinding", "crb", "--clusterrole=cr", "--user=bob"], true),
        ("ingress", ["create", "ingress", "ing", "--class=nginx", "--rule=foo.com/bar=svc:80", "--rule=tls.com/*=svc2:443,tls=secret", "--annotation=a=b", "--default-backend=svc:http"], true),
        ("job", ["create", "job", "j", "--image=busybox", "--", "echo", "hi"], true),
        ("cronjob", ["create", "cronjob", "cj", "--image=busybox", "--schedule=*/5 * * * *", "--restart=OnFailure", "--", "date"], true),
        ("job-from-cronjob", ["create", "job", "from-rich", "--from=cronjob/rich"], true),
        ("tokenrequest", ["create", "token", "robot", "--audience=api", "--duration=1h"], false),
        ("selfsubjectaccessreview", ["auth", "can-i", "create", "pods"], false),
    ];

    [Test]
    public async Task Capture()
    {
        await using var kubectl = await KubectlAgent.StartAsync("lk-pbfx");
        var dir = Path.Combine(ProtoRoot(), "Fixtures");
        Directory.CreateDirectory(dir);
        await kubectl.OkAsync("create", "namespace", "fx");
        var binary = kubectl.Write("binary.dat", "");
        await File.WriteAllBytesAsync(binary, [0, 1, 2, 0xfe, 0xff, 0x0a]);

        // A CronJob whose pod template sets almost everything (JSON, so kubectl fetches it back as protobuf and
        // re-encodes it into the Job).
        await kubectl.OkAsync("apply", "-f", Path.Combine(dir, "rich-cronjob.json"));

        foreach (var (name, args, hasJson) in Commands)
        {
            var argv = args.Select(a => a.Replace("@BINARY", binary, StringComparison.Ordinal)).ToArray();
            var scoped = name is "namespace" or "priorityclass" or "clusterrole" or "clusterrole-aggregated" or "clusterrolebinding"
                ? argv : [.. argv.TakeWhile(a => a != "--"), "-n", "fx", .. argv.SkipWhile(a => a != "--")];
            if (hasJson)
            {
                var json = await kubectl.OkStdoutAsync([.. Before(scoped), "--dry-run=client", "-o", "json", .. After(scoped)]);
                await File.WriteAllTextAsync(Path.Combine(dir, name + ".json"), JsonNode.Parse(json)!.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
            }

            var (code, output) = await kubectl.RunAsync([.. Before(scoped), "-v=10", .. After(scoped)]);
            var body = RequestBodies(output).LastOrDefault(b => b.AsSpan().StartsWith("k8s\0"u8));
            Assert.That(body, Is.Not.Null, $"kubectl {string.Join(' ', scoped)} (exit {code}) posted no protobuf body:\n{output[^Math.Min(output.Length, 3000)..]}");
            await File.WriteAllBytesAsync(Path.Combine(dir, name + ".pb"), body!);
        }
    }

    private static IEnumerable<string> Before(string[] args) => args.TakeWhile(a => a != "--");

    private static IEnumerable<string> After(string[] args) => args.SkipWhile(a => a != "--");

    /// <summary>The hex-dumped request bodies in a client-go -v=10 log, in order.</summary>
    internal static List<byte[]> RequestBodies(string log)
    {
        var bodies = new List<byte[]>();
        var lines = log.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (!lines[i].Contains("Request Body", StringComparison.Ordinal))
            {
                continue;
            }

            var bytes = new List<byte>();
            for (var j = i + 1; j < lines.Length && HexLine().Match(lines[j]) is { Success: true } m; j++)
            {
                bytes.AddRange(m.Groups["hex"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(h => byte.Parse(h, NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
            }

            if (bytes.Count > 0)
            {
                bodies.Add([.. bytes]);
            }
        }

        return bodies;
    }

    internal static string ProtoRoot() =>
        Path.Combine(Schema.ProtoSchemaGeneratorTests.RepositoryRoot(), "tests", "LocalKube.Node.ApiServer.Tests", "Protobuf");

    // Go's hex.Dump: offset, two spaces, up to 16 bytes (an extra space after the 8th), two spaces, |ascii|.
    [GeneratedRegex(@"^\s*[0-9a-f]{8}  (?<hex>(?:[0-9a-f]{2} {1,2}){1,16})\s*\|")]
    private static partial Regex HexLine();
}
