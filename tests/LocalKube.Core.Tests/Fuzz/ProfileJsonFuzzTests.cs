using System.Text;
using System.Text.Json.Nodes;
using LocalKube.Abstractions.Drivers;
using LocalKube.Abstractions.Errors;
using LocalKube.Core.Paths;
using LocalKube.Core.Profiles;
using LocalKube.Testing;
using LocalKube.Testing.Fuzz;
using static LocalKube.Testing.Fuzz.Mutations;

namespace LocalKube.Core.Tests.Fuzz;

/// <summary>
/// Hands the profile store mutated <c>config.json</c> files (wrong types, odd values, deep nesting, truncation,
/// flipped bytes, invalid UTF-8). Loading either gives a config or refuses with <c>LK_PROFILE_CORRUPT</c> naming the
/// file; listing never fails and reports the profile as valid or invalid; nothing rewrites the file.
/// </summary>
[TestFixture]
[Category("Fuzz")]
public sealed class ProfileJsonFuzzTests
{
    private const int Cases = 500;

    private static string _seed = "";

    /// <summary>The seed is what the store itself writes for a full config.</summary>
    [OneTimeSetUp]
    public async Task WriteSeedAsync()
    {
        using var dir = new TempDirectory("lk-pjseed");
        var paths = new LocalKubePaths(dir.Combine("home"));
        await new ProfileStore(paths).SaveAsync(new ClusterConfig
        {
            Name = "dev",
            Driver = "docker",
            Cpus = 4,
            MemoryMiB = 4096,
            ApiServerPort = 32771,
            Ports = [new PortMapping(8080, 80), new PortMapping(5353, 53, "udp")],
            ExtraConfig = ["apiserver.v=2"],
            EtcdServers = ["http://127.0.0.1:2379"],
            KeepContext = true,
            CreatedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
            Nodes = [new ClusterNode("dev", NodeRole.ControlPlane), new ClusterNode("dev-m02", NodeRole.Worker)],
        }, CancellationToken.None);
        _seed = await File.ReadAllTextAsync(paths.ProfileConfigFile("dev"));
    }

    [Test]
    public async Task Malformed_profile_configs_are_refused_naming_the_file()
    {
        var gen = new FuzzGen<byte[]>(Mutate, b => b.Length);
        var report = await FuzzRun.RunAsync("profile-json", gen, CheckAsync, Cases, b => Encoding.UTF8.GetString(b));
        Assert.That(report.Outcomes.Keys, Is.SupersetOf(new[] { "refused", "loaded" }));
    }

    private static async Task<string> CheckAsync(byte[] data)
    {
        using var dir = new TempDirectory("lk-pjfz");
        var paths = new LocalKubePaths(dir.Combine("home"));
        var file = paths.ProfileConfigFile("dev");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllBytesAsync(file, data);
        var store = new ProfileStore(paths);
        string outcome;
        try
        {
            var config = await store.LoadAsync("dev", CancellationToken.None);
            outcome = config is null ? "absent" : "loaded";
        }
        catch (LocalKubeException e) when (e.Reason == Reasons.ProfileCorrupt)
        {
            if (!e.Message.Contains(file, StringComparison.Ordinal))
            {
                throw new AssertionException($"the error does not name the file: {e.Message}");
            }

            outcome = "refused";
        }

        var list = await store.ListAsync(CancellationToken.None);
        var listed = list.Valid.Any(p => p.Name == "dev") || list.Invalid.Any(p => p.Name == "dev");
        if (!listed)
        {
            throw new AssertionException("the profile is missing from the list");
        }

        if (!(await File.ReadAllBytesAsync(file)).AsSpan().SequenceEqual(data))
        {
            throw new AssertionException("reading the profile changed its file");
        }

        return outcome;
    }

    private static byte[] Mutate(CsCheck.PCG pcg)
    {
        var tree = JsonNode.Parse(_seed)!;
        var roll = Next(pcg, 10);
        if (roll < 6)
        {
            MutateTree(pcg, tree);
        }

        var bytes = Encoding.UTF8.GetBytes(tree.ToJsonString(new System.Text.Json.JsonSerializerOptions { MaxDepth = 1_000 }));
        return roll >= 4 ? MutateBytes(pcg, bytes) : bytes;
    }
}
