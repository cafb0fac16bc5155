namespace LocalKube.Core.Drivers;

/// <summary>Why a driver was chosen.</summary>
public enum DriverSelectionSource
{
    /// <summary>The profile already exists with this driver.</summary>
    ExistingProfile = 0,

    /// <summary>The user asked for it (<c>--driver</c> or config).</summary>
    Requested = 1,

    /// <summary>Auto-selection picked the best healthy candidate.</summary>
    Automatic = 2,
}
