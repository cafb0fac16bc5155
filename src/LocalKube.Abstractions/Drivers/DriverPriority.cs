namespace LocalKube.Abstractions.Drivers;

/// <summary>Auto-selection preference, lowest to highest (minikube's registry priorities).</summary>
public enum DriverPriority
{
    /// <summary>Unknown.</summary>
    Unknown = 0,
    /// <summary>Obsolete: never picked automatically.</summary>
    Obsolete,
    /// <summary>Set at run time for a driver whose probe failed.</summary>
    Unhealthy,
    /// <summary>Experimental.</summary>
    Experimental,
    /// <summary>Works, but not recommended (e.g. the host process driver).</summary>
    Discouraged,
    /// <summary>Deprecated.</summary>
    Deprecated,
    /// <summary>Used only when nothing better exists.</summary>
    Fallback,
    /// <summary>A normal default.</summary>
    Default,
    /// <summary>Preferred.</summary>
    Preferred,
    /// <summary>The first choice where healthy.</summary>
    HighlyPreferred,
}
