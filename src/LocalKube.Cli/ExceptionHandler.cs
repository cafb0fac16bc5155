using LocalKube.Abstractions.Errors;
using LocalKube.Cli.Output;

namespace LocalKube.Cli;

/// <summary>
/// The only place that turns failures into output and exit codes. Expected failures (a <see cref="LocalKubeException"/>)
/// print their reason, message and advice without a stack trace; anything else is a bug and shows the full exception.
/// </summary>
public sealed class ExceptionHandler(TextWriter stdout, TextWriter stderr)
{
    public int Handle(Exception exception, OutputFormat format, bool verbose)
    {
        var (reason, message, showStack) = Classify(exception);
        if (format == OutputFormat.Json)
        {
            JsonReporter.Error(stdout, reason, message);
        }
        else
        {
            stderr.WriteLine();
            stderr.WriteLine($"X Exiting due to {reason.Id}: {message}");
            stderr.WriteLine();
            stderr.WriteLine($"* Suggestion: {reason.Advice}");
            if (reason.Documentation is not null)
            {
                stderr.WriteLine($"* Documentation: {reason.Documentation}");
            }
        }

        if (showStack || verbose)
        {
            stderr.WriteLine();
            stderr.WriteLine(exception.ToString());
        }

        return reason.ExitCode;
    }

    private static (Reason Reason, string Message, bool ShowStack) Classify(Exception exception)
    {
        while (exception is AggregateException { InnerExceptions.Count: 1 } aggregate)
        {
            exception = aggregate.InnerExceptions[0];
        }

        return exception switch
        {
            LocalKubeException lk => (lk.Reason, lk.Message, false),
            OperationCanceledException => (Reasons.Interrupted, "Operation canceled.", false),
            _ => (Reasons.Internal, exception.Message, true),
        };
    }
}
