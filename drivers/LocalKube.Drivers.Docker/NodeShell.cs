using System.Diagnostics;
using Docker.DotNet;
using Docker.DotNet.Models;
using LocalKube.Abstractions.Drivers;
using LocalKube.Abstractions.Errors;

namespace LocalKube.Drivers.Docker;

/// <summary>
/// Commands in a node container: streamed through the exec API, or, for an interactive terminal, the docker CLI's own
/// <c>docker exec -it</c> on the caller's terminal (it already does raw mode, resizes and escape handling well).
/// </summary>
internal static class NodeShell
{
    private const int BufferSize = 81920;
    private static readonly TimeSpan InputGrace = TimeSpan.FromSeconds(1);

    /// <summary>Runs <paramref name="command"/> in <paramref name="container"/> with its streams copied both ways.</summary>
    public static async Task<int> RunStreamedAsync(
        IDockerClient client, string container, NodeCommand command, CancellationToken cancellationToken)
    {
        var exec = await client.Exec.ExecCreateContainerAsync(container, new ContainerExecCreateParameters
        {
            Cmd = command.Arguments.ToList(),
            Env = command.Environment.ToList(),
            AttachStdin = command.Stdin is not null,
            AttachStdout = true,
            AttachStderr = true,
        }, cancellationToken).ConfigureAwait(false);

        using (var stream = await client.Exec.StartAndAttachContainerExecAsync(exec.ID, false, cancellationToken).ConfigureAwait(false))
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var input = command.Stdin is { } stdin ? CopyInputAsync(stdin, stream, linked.Token) : Task.CompletedTask;
            try
            {
                await CopyOutputAsync(stream, command.Stdout ?? Stream.Null, command.Stderr ?? Stream.Null, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                // The command may end before it read all its input (e.g. 'docker load' of a corrupt archive): stop feeding
                // it. A read from a terminal or an idle pipe ignores cancellation, so the wait for it is bounded.
                await linked.CancelAsync().ConfigureAwait(false);
                await Task.WhenAny(input, Task.Delay(InputGrace, CancellationToken.None)).ConfigureAwait(false);
                if (input.IsCompleted)
                {
                    await IgnoreCancellationAsync(input).ConfigureAwait(false);
                }
            }
        }

        var inspect = await client.Exec.InspectContainerExecAsync(exec.ID, cancellationToken).ConfigureAwait(false);
        return (int)inspect.ExitCode;
    }

    /// <summary>
    /// <c>docker exec -it</c> on the caller's terminal. <paramref name="endpoint"/> is given to the CLI unless
    /// DOCKER_HOST is set (the CLI reads it, with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH, as the driver did).
    /// </summary>
    public static async Task<int> RunOnTerminalAsync(Uri endpoint, string container, NodeCommand command, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("docker") { UseShellExecute = false };
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_HOST")))
        {
            start.ArgumentList.Add("--host");
            start.ArgumentList.Add(endpoint.ToString());
        }

        start.ArgumentList.Add("exec");
        start.ArgumentList.Add("--interactive");
        start.ArgumentList.Add("--tty");
        foreach (var variable in command.Environment)
        {
            start.ArgumentList.Add("--env");
            start.ArgumentList.Add(variable);
        }

        start.ArgumentList.Add(container);
        foreach (var argument in command.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("docker did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new LocalKubeException(Reasons.DockerNotFound,
                "An interactive shell in the node uses the docker CLI, which is not on PATH. Without a terminal, run a command instead: localkube ssh -- COMMAND", e);
        }

        using (process)
        {
            try
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            return process.ExitCode;
        }
    }

    private static async Task CopyInputAsync(Stream stdin, MultiplexedStream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[BufferSize];
        try
        {
            int read;
            while ((read = await stdin.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                await stream.WriteAsync(buffer, 0, read, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            // Also when the source fails: the command then sees a short input and fails itself, never waits forever.
            stream.CloseWrite();
        }
    }

    private static async Task CopyOutputAsync(MultiplexedStream stream, Stream stdout, Stream stderr, CancellationToken cancellationToken)
    {
        var buffer = new byte[BufferSize];
        while (true)
        {
            var result = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false);
            if (result.EOF)
            {
                break;
            }

            var target = result.Target == MultiplexedStream.TargetStream.StandardError ? stderr : stdout;
            await target.WriteAsync(buffer.AsMemory(0, result.Count), cancellationToken).ConfigureAwait(false);
            await target.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task IgnoreCancellationAsync(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException)
        {
            // The command closed its stdin early; its exit code tells what happened.
        }
    }
}
