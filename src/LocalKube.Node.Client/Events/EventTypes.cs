namespace LocalKube.Node.Client.Events;

/// <summary>The two event types.</summary>
public static class EventTypes
{
    /// <summary>Nothing is wrong.</summary>
    public const string Normal = "Normal";

    /// <summary>Something may be wrong.</summary>
    public const string Warning = "Warning";
}
