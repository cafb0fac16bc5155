using System.Text;
using LocalKube.Abstractions.Errors;
using LocalKube.Core.Kubeconfig;
using LocalKube.Testing;
using LocalKube.Testing.Fuzz;
using YamlDotNet.RepresentationModel;
using static LocalKube.Testing.Fuzz.Mutations;

namespace LocalKube.Core.Tests.Fuzz;

/// <summary>
/// Hands the kubeconfig reader and writer mutated files: a real kubeconfig with other tools' entries and LocalKube's,
/// broken at the byte level, line by line (indentation, tabs, duplicated and dropped lines) and with YAML's odder
/// constructs (aliases, tags, several documents, deep flow nesting). Every operation either works or refuses with
/// <c>LK_HOST_KUBECONFIG_UPDATE</c> naming the file (and the line, for a syntax error), and a refused file is never
/// rewritten.
/// </summary>
[TestFixture]
[Category("Fuzz")]
public sealed class KubeconfigFuzzTests
{
    private const int Cases = 400;

    private const string Seed = """
        apiVersion: v1
        kind: Config
        preferences: {}
        current-context: other
        clusters:
        - name: other
          cluster:
            server: https://10.0.0.1:6443
            certificate-authority-data: Q0EK
        - name: dev
          cluster:
            server: https://127.0.0.1:32771
            certificate-authority-data: Q0EK
            extensions:
            - name: localkube.io
              extension:
                provider: localkube.io
                version: v0.1.0
                last-update: "2026-01-01T00:00:00Z"
        users:
        - name: other
          user:
            token: abc
        - name: dev
          user:
            client-certificate-data: Q0VSVAo=
            client-key-data: S0VZCg==
            extensions:
            - name: localkube.io
              extension:
                provider: localkube.io
                version: v0.1.0
                last-update: "2026-01-01T00:00:00Z"
        contexts:
        - name: other
          context:
            cluster: other
            user: other
            namespace: team
        - name: dev
          context:
            cluster: dev
            user: dev
            extensions:
            - name: localkube.io
              extension:
                provider: localkube.io
                version: v0.1.0
                last-update: "2026-01-01T00:00:00Z"
        """;

    private static readonly string[] OddLines =
    [
        "\t- name: tab", "---", "...", "%YAML 1.1", "a: &anchor {x: 1}", "b: *anchor", "c: *missing", "? [complex, key]", ": value", "!!binary x",
        "key: !!int notanumber", "- - - -", "  - name:", "clusters: [", "clusters: {}", "users: null", "contexts: \"text\"", "name: [a, b]",
        "'unterminated", "\"unterminated", "\ufeffapiVersion: v1", "x: " + new string('[', 300), "\u0000", "    server: https://[::1", "current-context: [x]",
        "lol: &a [x, x, x, x, x, x, x, x, x]", "lol2: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]", "lol3: [*b, *b, *b, *b, *b, *b, *b, *b, *b]",
    ];

    [Test]
    public async Task Malformed_kubeconfigs_are_refused_with_file_and_line_and_left_untouched()
    {
        var gen = new FuzzGen<string>(Mutate, s => s.Length);
        var report = await FuzzRun.RunAsync("kubeconfig", gen, CheckAsync, Cases, s => s);
        Assert.That(report.Outcomes.Keys, Has.Some.StartsWith("refused").And.Some.StartsWith("updated"));
    }

    // Found by this fuzzer: YamlDotNet's model throws ArgumentException on a mapping key that is empty.
    [Test]
    public async Task A_sequence_entry_with_an_empty_key_is_refused_with_file_and_line()
    {
        using var dir = new TempDirectory("lk-kcreg");
        var path = dir.Combine("config");
        const string text = "contexts:\n- : other\n";
        await File.WriteAllTextAsync(path, text);
        var store = new KubeconfigStore(path, TimeProvider.System);
        var e = Assert.ThrowsAsync<LocalKubeException>(() => store.UpdateAsync(new KubeconfigEntry("fz", new Uri("https://127.0.0.1:1"), "CA", "CERT", "KEY", false), CancellationToken.None));
        Assert.Multiple(async () =>
        {
            Assert.That(e!.Reason, Is.EqualTo(Reasons.KubeconfigUpdate));
            Assert.That(e.Message, Does.Contain(path).And.Contain("line"));
            Assert.That(await File.ReadAllTextAsync(path), Is.EqualTo(text));
        });
    }

    private static async Task<string> CheckAsync(string text)
    {
        using var dir = new TempDirectory("lk-kcfz");
        var path = dir.Combine("config");
        var original = Encoding.UTF8.GetBytes(text);
        await File.WriteAllBytesAsync(path, original);
        var store = new KubeconfigStore(path, TimeProvider.System, new KubeconfigStoreOptions { LockTimeout = TimeSpan.FromSeconds(5) });
        var entry = new KubeconfigEntry("fz", new Uri("https://127.0.0.1:40000"), "CA", "CERT", "KEY", false);
        var outcomes = new List<string>();
        foreach (var (name, operation) in new (string, Func<Task>)[]
        {
            ("server", () => store.GetServerAsync("dev", CancellationToken.None)),
            ("context", () => store.GetCurrentContextAsync(CancellationToken.None)),
            ("update", () => store.UpdateAsync(entry, CancellationToken.None)),
            ("remove", () => store.RemoveAsync("dev", CancellationToken.None)),
        })
        {
            var before = await File.ReadAllBytesAsync(path);
            try
            {
                var run = operation();
                if (await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(20))) != run)
                {
                    throw new AssertionException($"{name} hung");
                }

                await run;
            }
            catch (LocalKubeException e) when (e.Reason == Reasons.KubeconfigUpdate)
            {
                if (!e.Message.Contains(path, StringComparison.Ordinal))
                {
                    throw new AssertionException($"{name}: the error does not name the file: {e.Message}");
                }

                if (!e.Message.Contains("line", StringComparison.Ordinal) && !e.Message.Contains("document", StringComparison.Ordinal))
                {
                    throw new AssertionException($"{name}: the error does not say where: {e.Message}");
                }

                if (!(await File.ReadAllBytesAsync(path)).AsSpan().SequenceEqual(before))
                {
                    throw new AssertionException($"{name} refused the file but changed it");
                }

                outcomes.Add("refused");
                continue;
            }

            if (name is "server" or "context" && !(await File.ReadAllBytesAsync(path)).AsSpan().SequenceEqual(before))
            {
                throw new AssertionException($"{name} only reads, yet the file changed");
            }

            if (name == "update")
            {
                // What was written is a kubeconfig again, with the entry in it.
                new YamlStream().Load(new StringReader(await File.ReadAllTextAsync(path)));
                var server = await store.GetServerAsync("fz", CancellationToken.None);
                if (server != entry.Server)
                {
                    throw new AssertionException($"after the update the server of 'fz' reads as {server}");
                }

                outcomes.Add("updated");
            }
        }

        return outcomes.Count == 0 ? "read" : outcomes.Contains("updated") ? "updated" : "refused";
    }

    private static string Mutate(CsCheck.PCG pcg)
    {
        var lines = Seed.Split('\n').ToList();
        var what = Next(pcg, 10);
        if (what < 6)
        {
            for (var i = 1 + Next(pcg, 3); i > 0; i--)
            {
                var at = Next(pcg, lines.Count);
                switch (Next(pcg, 6))
                {
                    case 0:
                        lines.RemoveAt(at);
                        break;
                    case 1:
                        lines.Insert(at, lines[at]);
                        break;
                    case 2:
                        lines[at] = new string(' ', Next(pcg, 7)) + lines[at].TrimStart();
                        break;
                    case 3:
                        lines[at] = lines[at].Replace("  ", "\t", StringComparison.Ordinal);
                        break;
                    case 4:
                        lines[at] = lines[at].Split(':')[0] + ": " + OddString(pcg);
                        break;
                    default:
                        lines.Insert(at, new string(' ', 2 * Next(pcg, 3)) + Pick(pcg, OddLines));
                        break;
                }

                if (lines.Count == 0)
                {
                    lines.Add("");
                }
            }
        }

        var text = string.Join(Chance(pcg, 10) ? "\r\n" : "\n", lines);
        if (what >= 5)
        {
            text = Encoding.UTF8.GetString(MutateBytes(pcg, Encoding.UTF8.GetBytes(text)));
        }

        return text;
    }
}
