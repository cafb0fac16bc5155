using System.Diagnostics;
using System.Threading.Channels;

namespace LocalKube.IntegrationTests;

/// <summary>
/// A running process read line by line (e.g. <c>kubectl get -w</c>): tests wait for the line that proves a step
/// happened (the watch is listed, the wait has fetched its object) instead of sleeping. Killed on dispose.
/// </summary>
public sealed class StreamedProcess : IDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _stdout = Channel.CreateUnbounded<string>();
    private readonly Channel<string> _stderr = Channel.CreateUnbounded<string>();

    public StreamedProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Forward(_stdout, e.Data);
        _process.ErrorDataReceived += (_, e) => Forward(_stderr, e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Every line read so far, in order, from both streams (for assertion messages).</summary>
    public List<string> Seen { get; } = [];

    /// <summary>Reads standard output until a line matches; fails the test if the stream ends first.</summary>
    public Task<string> ReadOutputUntilAsync(Func<string, bool> match, CancellationToken cancellationToken) =>
        ReadUntilAsync(_stdout.Reader, match, cancellationToken);

    /// <summary>Reads standard error until a line matches (kubectl's <c>-v=6</c> request log goes there).</summary>
    public Task<string> ReadErrorUntilAsync(Func<string, bool> match, CancellationToken cancellationToken) =>
        ReadUntilAsync(_stderr.Reader, match, cancellationToken);

    /// <summary>Waits for exit and returns the standard output lines not read yet.</summary>
    public async Task<(int ExitCode, List<string> Output)> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        var rest = new List<string>();
        await foreach (var line in _stdout.Reader.ReadAllAsync(cancellationToken))
        {
            rest.Add(line);
        }

        return (_process.ExitCode, rest);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private static void Forward(Channel<string> channel, string? line)
    {
        if (line is null)
        {
            channel.Writer.TryComplete();
        }
        else
        {
            channel.Writer.TryWrite(line);
        }
    }

    private async Task<string> ReadUntilAsync(ChannelReader<string> reader, Func<string, bool> match, CancellationToken cancellationToken)
    {
        await foreach (var line in reader.ReadAllAsync(cancellationToken))
        {
            Seen.Add(line);
            if (match(line))
            {
                return line;
            }
        }

        Assert.Fail("the stream ended before the expected line; seen:\n" + string.Join('\n', Seen));
        return "";
    }
}
