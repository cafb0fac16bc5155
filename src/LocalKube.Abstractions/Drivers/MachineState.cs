namespace LocalKube.Abstractions.Drivers;

/// <summary>The state of a node machine as the driver sees it.</summary>
public enum MachineState
{
    /// <summary>No such machine.</summary>
    NotFound = 0,
    /// <summary>Exists and is stopped; state is kept.</summary>
    Stopped,
    /// <summary>Being created or started.</summary>
    Starting,
    /// <summary>Running.</summary>
    Running,
    /// <summary>Paused.</summary>
    Paused,
    /// <summary>Exists but is broken (e.g. dead, or half-created).</summary>
    Error,
}
