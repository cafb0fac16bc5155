using LocalKube.Node.Hosting;

namespace LocalKube.Node.Client.Clients;

/// <summary>
/// A component's client certificate is missing, unreadable, expired, not signed by the cluster CA or names someone
/// else: the component is refused (never silently trusted or run as another identity), the reason is logged and
/// <c>/readyz?verbose</c> names it.
/// </summary>
public sealed class ComponentCredentialsException : ComponentRefusedException
{
    /// <summary>Creates the exception.</summary>
    public ComponentCredentialsException()
    {
    }

    /// <summary>Creates the exception with a message naming the file and what is wrong with it.</summary>
    public ComponentCredentialsException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public ComponentCredentialsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
