namespace LocalKube.Abstractions.Errors;

/// <summary>
/// The one exception type that carries a <see cref="Errors.Reason"/> to the CLI's exception handler.
/// Library code throws it; only the CLI turns it into output and an exit code.
/// </summary>
public class LocalKubeException : Exception
{
    /// <summary>Creates an exception for <paramref name="reason"/> with a specific message.</summary>
    public LocalKubeException(Reason reason, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Reason = reason;
    }

    /// <summary>The catalogued failure kind.</summary>
    public Reason Reason { get; }

    /// <summary>
    /// False when retrying cannot help (bad input, missing prerequisite). Retry pipelines stop at once.
    /// </summary>
    public bool IsTransient { get; init; }
}
