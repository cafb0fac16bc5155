using System.Diagnostics;
using System.Text.RegularExpressions;

namespace LocalKube.Node.Networking.Proxy;

/// <summary>
/// The node's iptables, through its command-line tools (in the node's network namespace: the agent runs there):
/// <c>iptables-restore --noflush</c> for a whole rule set (one atomic transaction: on an error nothing changes),
/// <c>iptables -C/-I</c> for the jumps from the built-in chains, <c>iptables-save</c> to find chains left by an
/// earlier agent.
/// </summary>
public sealed partial class Iptables(string iptables = "iptables", string restore = "iptables-restore", string save = "iptables-save")
{
    /// <summary>Applies <paramref name="rules"/> atomically.</summary>
    /// <exception cref="IptablesException">iptables-restore refused the input; the tables are unchanged.</exception>
    public Task RestoreAsync(string rules, CancellationToken cancellationToken) =>
        RunAsync(restore, ["-w", "5", "--noflush"], rules, cancellationToken);

    /// <summary>Makes <paramref name="chain"/> in <paramref name="table"/> if it does not exist.</summary>
    public async Task EnsureChainAsync(string table, string chain, CancellationToken cancellationToken)
    {
        if (!await SucceedsAsync(["-w", "5", "-t", table, "-S", chain, "1"], cancellationToken))
        {
            await RunAsync(iptables, ["-w", "5", "-t", table, "-N", chain], null, cancellationToken);
        }
    }

    /// <summary>Prepends <paramref name="rule"/> to <paramref name="chain"/> unless it is there already.</summary>
    public async Task EnsureRuleAsync(string table, string chain, IReadOnlyList<string> rule, CancellationToken cancellationToken)
    {
        if (!await SucceedsAsync(["-w", "5", "-t", table, "-C", chain, .. rule], cancellationToken))
        {
            await RunAsync(iptables, ["-w", "5", "-t", table, "-I", chain, "1", .. rule], null, cancellationToken);
        }
    }

    /// <summary>
    /// Moves the rules of <paramref name="chain"/> that jump to a KUBE-* chain ahead of every other rule, keeping
    /// their order, when something (the node's dockerd, creating the pod bridge or restarting) has put its own
    /// rules in front of them. Returns whether it moved any. One <c>iptables-restore</c>: no moment without them.
    /// </summary>
    public async Task<bool> KeepKubeJumpsFirstAsync(string table, string chain, CancellationToken cancellationToken)
    {
        var rules = (await RunAsync(iptables, ["-w", "5", "-t", table, "-S", chain], null, cancellationToken))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => line.StartsWith("-A ", StringComparison.Ordinal))
            .ToList();
        var ours = rules.Select((rule, index) => (rule, number: index + 1)).Where(r => KubeJump().IsMatch(r.rule)).ToList();
        if (ours.Count == 0 || ours[^1].number == ours.Count)
        {
            return false;
        }

        var text = new System.Text.StringBuilder().Append('*').Append(table).Append('\n');
        foreach (var (_, number) in Enumerable.Reverse(ours))
        {
            text.Append("-D ").Append(chain).Append(' ').Append(number).Append('\n');
        }

        foreach (var (rule, _) in Enumerable.Reverse(ours))
        {
            text.Append("-I ").Append(chain).Append(" 1").Append(rule.AsSpan(2 + chain.Length + 1)).Append('\n');
        }

        await RestoreAsync(text.Append("COMMIT\n").ToString(), cancellationToken);
        return true;
    }

    /// <summary>The KUBE-SVC/EXT/SEP chains present in the nat table (left by an earlier agent).</summary>
    public async Task<IReadOnlyList<string>> ServiceChainsAsync(CancellationToken cancellationToken)
    {
        var output = await RunAsync(save, ["-t", "nat"], null, cancellationToken);
        return ChainLine().Matches(output).Select(m => m.Groups[1].Value).ToList();
    }

    private async Task<bool> SucceedsAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        try
        {
            await RunAsync(iptables, args, null, cancellationToken);
            return true;
        }
        catch (IptablesException)
        {
            return false;
        }
    }

    private static async Task<string> RunAsync(string program, IReadOnlyList<string> args, string? input, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new IptablesException($"{program} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input.AsMemory(), cancellationToken);
        }

        process.StandardInput.Close();
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var output = await stdout;
        var error = await stderr;
        if (process.ExitCode != 0)
        {
            throw new IptablesException($"{program} {string.Join(' ', args)} exited with {process.ExitCode}: {error.Trim()}");
        }

        return output;
    }

    [GeneratedRegex(@"^:(KUBE-(?:SVC|SEP|EXT|SVL|FW)-[A-Z0-9]+) ", RegexOptions.Multiline)]
    private static partial Regex ChainLine();

    [GeneratedRegex(@" -j KUBE-[A-Z0-9-]+$")]
    private static partial Regex KubeJump();
}
