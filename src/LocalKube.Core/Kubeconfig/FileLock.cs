using System.Globalization;
using System.Text;
using LocalKube.Abstractions.Errors;

namespace LocalKube.Core.Kubeconfig;

/// <summary>
/// An exclusive lock held as the existence of <c>&lt;file&gt;.lock</c> (created with O_EXCL), the same convention
/// client-go uses for kubeconfig, so LocalKube and kubectl never write the file at the same time.
/// </summary>
internal sealed class FileLock : IDisposable
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromMilliseconds(250);

    private readonly FileStream _stream;

    private FileLock(string path, FileStream stream)
    {
        Path = path;
        _stream = stream;
    }

    public string Path { get; }

    /// <summary>True when a stale lock was removed to acquire this one.</summary>
    public bool BrokeStaleLock { get; private init; }

    public static async Task<FileLock> AcquireAsync(string lockPath, KubeconfigStoreOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var delay = FirstDelay;
        var brokeStale = false;
        var vanished = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var stream = new FileStream(lockPath, FileMode.CreateNew, FileAccess.Write, FileShare.None);
                // Who holds it, for whoever finds it left behind.
                stream.Write(Encoding.UTF8.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n"));
                stream.Flush();
                return new FileLock(lockPath, stream) { BrokeStaleLock = brokeStale };
            }
            catch (IOException) when (File.Exists(lockPath))
            {
                // Held by someone else; fall through to the stale check and the wait.
            }
            catch (IOException) when (++vanished < 3)
            {
                // The holder released it between our attempt and the check: try again at once. A failure that
                // persists without a lock file is a real IO error and escapes on the third round.
                continue;
            }

            if (IsStale(lockPath, options.StaleLockAge, time))
            {
                TryDelete(lockPath);
                brokeStale = true;
                continue;
            }

            if (time.GetElapsedTime(started) >= options.LockTimeout)
            {
                throw new LocalKubeException(
                    Reasons.KubeconfigUpdate,
                    $"Timed out after {options.LockTimeout.TotalSeconds:0}s waiting for the lock '{lockPath}' held by another process "
                    + "(kubectl or another localkube). Retry; if no such process runs, remove the lock file.");
            }

            await Task.Delay(delay, time, cancellationToken);
            delay = delay * 2 < MaxDelay ? delay * 2 : MaxDelay;
        }
    }

    public void Dispose()
    {
        _stream.Dispose();
        TryDelete(Path);
    }

    private static bool IsStale(string lockPath, TimeSpan age, TimeProvider time)
    {
        try
        {
            var written = File.GetLastWriteTimeUtc(lockPath);
            // GetLastWriteTimeUtc reports 1601-01-01 for a file that vanished meanwhile: not stale, just retry.
            return written.Year > 1601 && time.GetUtcNow().UtcDateTime - written > age;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
