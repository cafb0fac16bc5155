namespace LocalKube.Node.Networking.Proxy;

/// <summary>An iptables tool failed; the message has its exit code and error output.</summary>
public sealed class IptablesException : Exception
{
    /// <summary>Creates the exception.</summary>
    public IptablesException()
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public IptablesException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    public IptablesException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
