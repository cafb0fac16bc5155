using System.Diagnostics;
using System.Globalization;
using CsCheck;
using NUnit.Framework;

namespace LocalKube.Testing.Fuzz;

/// <summary>
/// Runs one fuzz target twice: with the fixed seed (the same cases on every run) and with a fresh seed that is
/// printed, so any failure can be replayed. Case <c>i</c> of seed <c>s</c> is generated from its own CsCheck PCG
/// (stream <c>i</c>, seed <c>s</c>), so a failing case replays alone; a failure is then shrunk by CsCheck from that
/// case before the test fails, and the report names the smallest input found.
/// </summary>
/// <remarks>
/// Environment: <c>LOCALKUBE_FUZZ_SEED</c> replays a fresh seed (decimal or 0x hex); <c>LOCALKUBE_FUZZ_SECONDS</c>
/// turns the fresh pass into a long session of that many seconds per target, a new seed (printed) every
/// <see cref="CasesPerLongSeed"/> cases; <c>LOCALKUBE_FUZZ_CASES</c> changes the number of cases per pass.
/// </remarks>
public static class FuzzRun
{
    /// <summary>The seed every run starts with.</summary>
    public const ulong FixedSeed = 0x4C4B_4655_5A5A_0017;

    // LOCALKUBE_FUZZ_TRACE=1 prints every case before it runs (to find one that hangs).
    private static readonly bool Trace = Environment.GetEnvironmentVariable("LOCALKUBE_FUZZ_TRACE") == "1";

    /// <summary>A pass stops after this many failing cases.</summary>
    public const int MaxFailures = 40;

    /// <summary>Cases per seed in a long session before the next seed.</summary>
    public const int CasesPerLongSeed = 5_000;

    /// <summary>Runs <paramref name="check"/> on generated cases; throws (after shrinking) on the first failure.</summary>
    /// <param name="target">The target's name, for the report.</param>
    /// <param name="gen">The case generator.</param>
    /// <param name="check">Throws when a case breaks an invariant; returns an outcome class to count (e.g. "422").
    /// A failing case is recorded and the run goes on; the run then fails listing each distinct failure.</param>
    /// <param name="cases">Cases per pass in a normal (CI) run.</param>
    /// <param name="print">How a case is shown in a failure report.</param>
    /// <param name="freshBudget">In a normal run, the fresh pass stops after this long even if it has not run all its
    /// cases (the fixed pass always runs them all, so CI sees the same cases every time); null: no limit.</param>
    public static async Task<FuzzReport> RunAsync<T>(string target, Gen<T> gen, Func<T, Task<string>> check, int cases, Func<T, string> print, TimeSpan? freshBudget = null)
    {
        ArgumentNullException.ThrowIfNull(gen);
        ArgumentNullException.ThrowIfNull(check);
        cases = Environment.GetEnvironmentVariable("LOCALKUBE_FUZZ_CASES") is { } c && int.TryParse(c, CultureInfo.InvariantCulture, out var n) ? n : cases;
        var report = new FuzzReport(target);
        await PassAsync(report, FixedSeed, gen, check, cases, TimeSpan.Zero, print);

        var fresh = FreshSeed();
        var seconds = Environment.GetEnvironmentVariable("LOCALKUBE_FUZZ_SECONDS") is { } s && int.TryParse(s, CultureInfo.InvariantCulture, out var t) ? t : 0;
        if (seconds <= 0)
        {
            await PassAsync(report, fresh, gen, check, cases, freshBudget ?? TimeSpan.Zero, print);
        }
        else
        {
            var clock = Stopwatch.StartNew();
            var budget = TimeSpan.FromSeconds(seconds);
            for (var seed = fresh; clock.Elapsed < budget && report.Failures.Count < MaxFailures; seed = NextSeed(seed))
            {
                await PassAsync(report, seed, gen, check, CasesPerLongSeed, budget - clock.Elapsed, print);
            }
        }

        TestContext.Progress.WriteLine(report.ToString());
        if (report.Failures.Count > 0)
        {
            // Every distinct failure is listed (one example each); the first is shrunk by CsCheck.
            var first = report.Failures[0];
            var smallest = await ShrinkAsync(gen, check, first.CaseSeed, print);
            var kinds = report.Failures.GroupBy(f => f.Kind, StringComparer.Ordinal).Select(g => g.First()).ToList();
            throw new AssertionException(
                $"fuzz {target}: {report.Failures.Count} failing cases, {kinds.Count} distinct:\n\n"
                + string.Join("\n\n", kinds.Select(f => f.ToString())) + $"\n\nfirst failure shrunk: {smallest}");
        }

        return report;
    }

    /// <summary>The synchronous form of <see cref="RunAsync{T}"/>.</summary>
    public static FuzzReport Run<T>(string target, Gen<T> gen, Func<T, string> check, int cases, Func<T, string> print) =>
        RunAsync(target, gen, value => Task.FromResult(check(value)), cases, print).GetAwaiter().GetResult();

    /// <summary>The PCG of case <paramref name="index"/> of <paramref name="seed"/>.</summary>
    public static PCG CasePcg(ulong seed, int index) => new((uint)index, seed);

    private static async Task PassAsync<T>(FuzzReport report, ulong seed, Gen<T> gen, Func<T, Task<string>> check, int cases, TimeSpan budget, Func<T, string> print)
    {
        var hex = $"0x{seed:X16}";
        TestContext.Progress.WriteLine($"fuzz {report.Target}: seed {hex} ({(seed == FixedSeed ? "fixed" : "fresh")}), replay with LOCALKUBE_FUZZ_SEED={hex}");
        report.Seeds.Add(hex);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < cases && (budget == TimeSpan.Zero || clock.Elapsed < budget); i++)
        {
            var pcg = CasePcg(seed, i);
            var caseSeed = pcg.ToString();
            var value = gen.Generate(pcg, null, out _);
            if (Trace)
            {
                TestContext.Progress.WriteLine($"fuzz {report.Target}: case {i} at {clock.ElapsedMilliseconds} ms: {print(value)[..Math.Min(300, print(value).Length)]}");
            }

            string outcome;
            try
            {
                outcome = await check(value);
            }
            catch (Exception e)
            {
                // Keep going: one run shows every distinct failure, not just the first.
                report.Failures.Add(new FuzzFailure(hex, i, caseSeed, $"{e.GetType().Name} {Origin(e)}: {e.Message}", print(value)));
                outcome = "FAILED";
                if (report.Failures.Count >= MaxFailures)
                {
                    return;
                }
            }

            report.Count(outcome);
        }
    }

    // CsCheck starts from the failing case's seed and searches for smaller inputs that still fail.
    private static async Task<string> ShrinkAsync<T>(Gen<T> gen, Func<T, Task<string>> check, string caseSeed, Func<T, string> print)
    {
        try
        {
            await gen.SampleAsync(async value => { await check(value); }, seed: caseSeed, iter: 300, threads: 1, print: print);
            return "(did not fail again when replayed: the failure depends on earlier cases)";
        }
        catch (Exception e)
        {
            return "smallest failing input CsCheck found:\n" + e.Message;
        }
    }

    // The first frame in product code: what tells failures of different causes apart.
    private static string Origin(Exception e) =>
        e.StackTrace?.Split('\n').Select(l => l.Trim())
            .FirstOrDefault(l => l.Contains("LocalKube.", StringComparison.Ordinal) && !l.Contains(".Tests.", StringComparison.Ordinal) && !l.Contains("LocalKube.Testing", StringComparison.Ordinal))
        ?? "";

    private static ulong FreshSeed()
    {
        var text = Environment.GetEnvironmentVariable("LOCALKUBE_FUZZ_SEED");
        if (string.IsNullOrWhiteSpace(text))
        {
            return (ulong)Random.Shared.NextInt64() ^ ((ulong)Random.Shared.Next() << 32);
        }

        text = text.Trim();
        return text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.Parse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)
            : ulong.Parse(text, CultureInfo.InvariantCulture);
    }

    // SplitMix64: the seeds of a long session follow from the first, so the whole session replays from it.
    private static ulong NextSeed(ulong seed)
    {
        var z = seed + 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
