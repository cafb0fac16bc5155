namespace LocalKube.Node.Kubelet.Images;

/// <summary>
/// A container could not be started: <see cref="Reason"/> becomes its waiting reason (ErrImagePull,
/// ImagePullBackOff, CreateContainerConfigError, CrashLoopBackOff...) and <see cref="Exception.Message"/> its message.
/// </summary>
public sealed class StartFailure : Exception
{
    /// <summary>Creates the failure.</summary>
    public StartFailure(string reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    /// <summary>Creates the failure.</summary>
    public StartFailure()
    {
        Reason = "";
    }

    /// <summary>Creates the failure.</summary>
    public StartFailure(string message)
        : base(message)
    {
        Reason = "";
    }

    /// <summary>Creates the failure.</summary>
    public StartFailure(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = "";
    }

    /// <summary>The waiting reason.</summary>
    public string Reason { get; }

    /// <summary>When to try again (a back-off's end), if known.</summary>
    public DateTimeOffset? RetryAt { get; init; }
}
