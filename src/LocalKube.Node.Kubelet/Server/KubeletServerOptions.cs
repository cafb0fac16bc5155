namespace LocalKube.Node.Kubelet.Server;

/// <summary>Where the kubelet's API listens and with which certificates.</summary>
public sealed record KubeletServerOptions
{
    /// <summary>The serving certificate's file stem in the cert folder (<c>kubelet-server.crt</c>, <c>.key</c>).</summary>
    public const string ServingCertificateName = "kubelet-server";

    /// <summary>The address of the authenticated HTTPS port.</summary>
    public string BindAddress { get; init; } = "0.0.0.0";

    /// <summary>The authenticated HTTPS port (upstream's 10250); 0 picks a free one.</summary>
    public int Port { get; init; } = 10250;

    /// <summary>The read-only HTTP port (10255) on <see cref="ReadOnlyAddress"/>; -1 disables it, 0 picks a free one.</summary>
    public int ReadOnlyPort { get; init; } = 10255;

    /// <summary>The read-only port's address: the node's own loopback only.</summary>
    public string ReadOnlyAddress { get; init; } = "127.0.0.1";

    /// <summary>The folder with <c>ca.crt</c> (client CA) and the serving certificate.</summary>
    public required string CertDir { get; init; }

    /// <summary>The kubelet's root folder (its filesystem is the node's in /stats/summary).</summary>
    public string RootDirectory { get; init; } = "/var/lib/kubelet";

    /// <summary>How long a SPDY client may take to open the streams of a session.</summary>
    public TimeSpan StreamCreationTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
