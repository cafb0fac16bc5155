namespace LocalKube.Core.Images;

/// <summary>Where an <c>image load</c> argument comes from.</summary>
public enum ImageSourceKind
{
    /// <summary>An image in the host's Docker.</summary>
    HostImage,
    /// <summary>A <c>docker save</c> archive file (plain or compressed).</summary>
    Archive,
    /// <summary>A <c>docker save</c> archive on stdin (<c>-</c>).</summary>
    Stdin,
}
