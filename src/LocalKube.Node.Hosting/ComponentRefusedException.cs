namespace LocalKube.Node.Hosting;

/// <summary>
/// Thrown by a component that must not start, for a reason the user can fix without the rest of the agent
/// stopping: e.g. its client certificate is missing or expired. The component is then marked
/// <see cref="ComponentState.Refused"/>, its reason is logged and shown by <c>/readyz?verbose</c>, and the agent
/// keeps serving (not ready) so that the reason can be read.
/// </summary>
public class ComponentRefusedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ComponentRefusedException()
        : this("the component was refused")
    {
    }

    /// <summary>Creates the exception with a user-facing <paramref name="message"/> that names what to fix.</summary>
    public ComponentRefusedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public ComponentRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
