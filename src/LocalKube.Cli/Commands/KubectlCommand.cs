using System.CommandLine;
using System.ComponentModel;
using System.Diagnostics;
using LocalKube.Abstractions.Errors;

namespace LocalKube.Cli.Commands;

/// <summary><c>localkube kubectl -- ARGS</c>: runs kubectl against this profile's context.</summary>
public static class KubectlCommand
{
    public static Command Create(CliContext cli)
    {
        var args = new Argument<string[]>("args") { Description = "Arguments for kubectl, after --.", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("kubectl", "Runs kubectl against this cluster: localkube kubectl -- get pods") { args };
        command.SetAction(async (result, ct) =>
        {
            // kubectl inherits this terminal (no redirection) so that interactive commands such as 'edit' and
            // 'exec -it' work; CliWrap always redirects, so a plain Process is the right tool here.
            var start = new ProcessStartInfo("kubectl") { UseShellExecute = false };
            start.ArgumentList.Add($"--context={cli.Profile(result)}");
            foreach (var arg in result.GetValue(args) ?? [])
            {
                start.ArgumentList.Add(arg);
            }

            Process process;
            try
            {
                process = Process.Start(start) ?? throw new Win32Exception("kubectl did not start");
            }
            catch (Win32Exception e)
            {
                throw new LocalKubeException(Reasons.KubectlNotFound, $"Cannot run kubectl: {e.Message}.", e);
            }

            using (process)
            {
                try
                {
                    await process.WaitForExitAsync(ct);
                }
                catch (OperationCanceledException)
                {
                    // Ctrl+C reached kubectl too (same process group); give it a moment to exit by itself.
                    if (!process.WaitForExit(TimeSpan.FromSeconds(2)))
                    {
                        process.Kill(entireProcessTree: true);
                    }

                    throw;
                }

                return process.ExitCode;
            }
        });
        return command;
    }
}
