namespace LocalKube.Drivers.Vm.GuestAgent;

/// <summary>The guest agent received a command and answered with an error.</summary>
public sealed class GuestAgentException : Exception
{
    /// <summary>Creates the exception from the agent's error reply.</summary>
    public GuestAgentException(string command, string errorClass, string description)
        : base($"The guest agent refused {command}: {description} ({errorClass})")
    {
        Command = command;
        ErrorClass = errorClass;
    }

    /// <summary>The command that failed.</summary>
    public string Command { get; }

    /// <summary>The agent's error class, e.g. <c>GenericError</c> or <c>CommandNotFound</c>.</summary>
    public string ErrorClass { get; }
}
