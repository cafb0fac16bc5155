namespace LocalKube.Node.Kubelet.Volumes;

/// <summary>A volume could not be set up: the pod waits in ContainerCreating with a <c>FailedMount</c> event naming it.</summary>
public sealed class VolumeSetupException : Exception
{
    /// <summary>Creates the exception.</summary>
    public VolumeSetupException(string volume, string message)
        : base(message)
    {
        Volume = volume;
    }

    /// <summary>Creates the exception.</summary>
    public VolumeSetupException()
    {
        Volume = "";
    }

    /// <summary>Creates the exception.</summary>
    public VolumeSetupException(string message)
        : base(message)
    {
        Volume = "";
    }

    /// <summary>Creates the exception.</summary>
    public VolumeSetupException(string message, Exception innerException)
        : base(message, innerException)
    {
        Volume = "";
    }

    /// <summary>The volume's name in the pod.</summary>
    public string Volume { get; }

    /// <summary>The event text: <c>MountVolume.SetUp failed for volume "x" : reason</c>.</summary>
    public string EventMessage => $"MountVolume.SetUp failed for volume \"{Volume}\" : {Message}";
}
