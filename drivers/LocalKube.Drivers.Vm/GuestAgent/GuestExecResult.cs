using System.Text;

namespace LocalKube.Drivers.Vm.GuestAgent;

/// <summary>How a program run in the guest ended.</summary>
/// <param name="ExitCode">Its exit code (128 + N when killed by signal N).</param>
/// <param name="Stdout">What it wrote to standard output.</param>
/// <param name="Stderr">What it wrote to standard error.</param>
public sealed record GuestExecResult(int ExitCode, byte[] Stdout, byte[] Stderr)
{
    /// <summary>Standard output as UTF-8 text.</summary>
    public string StdoutText => Encoding.UTF8.GetString(Stdout);

    /// <summary>Standard error as UTF-8 text.</summary>
    public string StderrText => Encoding.UTF8.GetString(Stderr);
}
