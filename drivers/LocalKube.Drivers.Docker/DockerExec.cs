using Docker.DotNet;
using Docker.DotNet.Models;

namespace LocalKube.Drivers.Docker;

/// <summary>The outcome of a command run in a container.</summary>
internal sealed record ExecResult(long ExitCode, string Stdout, string Stderr)
{
    /// <summary>Stderr, else stdout: the most useful text to put in an error message.</summary>
    public string Output => string.IsNullOrWhiteSpace(Stderr) ? Stdout.Trim() : Stderr.Trim();
}

/// <summary>Runs commands in a container through the exec API (the equivalent of <c>docker exec</c>).</summary>
internal static class DockerExec
{
    /// <summary>Runs <paramref name="command"/> to completion and returns its output and exit code.</summary>
    public static async Task<ExecResult> RunAsync(
        IDockerClient client, string container, IList<string> command, CancellationToken cancellationToken)
    {
        var exec = await client.Exec.ExecCreateContainerAsync(container, new ContainerExecCreateParameters
        {
            Cmd = command,
            AttachStdout = true,
            AttachStderr = true,
        }, cancellationToken).ConfigureAwait(false);

        using (var stream = await client.Exec.StartAndAttachContainerExecAsync(exec.ID, false, cancellationToken).ConfigureAwait(false))
        {
            var (stdout, stderr) = await stream.ReadOutputToEndAsync(cancellationToken).ConfigureAwait(false);
            var inspect = await client.Exec.InspectContainerExecAsync(exec.ID, cancellationToken).ConfigureAwait(false);
            return new ExecResult(inspect.ExitCode, stdout, stderr);
        }
    }

    /// <summary>Runs a POSIX shell script (<c>sh -c</c>) with positional arguments <c>$1...</c>.</summary>
    public static Task<ExecResult> ShellAsync(
        IDockerClient client, string container, string script, CancellationToken cancellationToken, params string[] args) =>
        RunAsync(client, container, ["sh", "-c", script, "sh", .. args], cancellationToken);

    /// <summary>Starts <paramref name="command"/> detached; returns the exec ID to inspect it later.</summary>
    public static async Task<string> StartDetachedAsync(
        IDockerClient client, string container, IList<string> command, CancellationToken cancellationToken)
    {
        var exec = await client.Exec.ExecCreateContainerAsync(container, new ContainerExecCreateParameters
        {
            Cmd = command,
            Detach = true,
        }, cancellationToken).ConfigureAwait(false);
        await client.Exec.StartContainerExecAsync(exec.ID, cancellationToken).ConfigureAwait(false);
        return exec.ID;
    }
}
