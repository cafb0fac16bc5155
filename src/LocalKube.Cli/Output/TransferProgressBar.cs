using System.Collections.Concurrent;
using LocalKube.Core.Images;
using Spectre.Console;

namespace LocalKube.Cli.Output;

/// <summary>
/// A progress bar per image archive on a terminal (bytes sent, rate, time left) while <c>image load</c> streams it
/// into the node; an archive of unknown size (stdin) gets a moving bar with the bytes sent.
/// </summary>
public static class TransferProgressBar
{
    /// <summary>Runs <paramref name="work"/> with a transfer progress that draws on <paramref name="console"/>.</summary>
    public static async Task<T> RunAsync<T>(IAnsiConsole console, Func<IProgress<ImageTransfer>, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(work);
        T result = default!;
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var tasks = new ConcurrentDictionary<string, ProgressTask>(StringComparer.Ordinal);
                var progress = new SyncProgress<ImageTransfer>(transfer =>
                {
                    var task = tasks.GetOrAdd(transfer.Source, source => context.AddTask(Markup.Escape(Shorten(source)), maxValue: Math.Max(1, transfer.Total ?? 1)));
                    task.IsIndeterminate = transfer.Total is null;

                    // Docker's image size is close to, not exactly, what docker save writes.
                    task.MaxValue = Math.Max(task.MaxValue, transfer.Sent);
                    task.Value = transfer.Sent;
                });
                result = await work(progress);
                foreach (var task in tasks.Values)
                {
                    task.MaxValue = task.Value;
                    task.IsIndeterminate = false;
                    task.StopTask();
                }
            });
        return result;
    }

    private static string Shorten(string source) => source.Length > 40 ? "..." + source[^37..] : source;
}
