namespace LocalKube.Drivers.Vm.GuestAgent;

/// <summary>Runs programs in a node VM and writes files into it, over the VM's guest agent channel.</summary>
public interface IGuestShell
{
    /// <summary>Runs <paramref name="path"/> with <paramref name="arguments"/> in the guest and waits for it to exit.</summary>
    /// <exception cref="Abstractions.Errors.LocalKubeException">The channel failed (the guest is gone or does not answer).</exception>
    Task<GuestExecResult> ExecAsync(string path, IReadOnlyList<string> arguments, CancellationToken cancellationToken);

    /// <summary>Writes <paramref name="content"/> to <paramref name="guestPath"/> (created or truncated).</summary>
    Task WriteFileAsync(string guestPath, Stream content, CancellationToken cancellationToken);
}
