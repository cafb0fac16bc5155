namespace LocalKube.Abstractions.Drivers;

/// <summary>Labels LocalKube puts on everything it creates in a container engine.</summary>
public static class WellKnownLabels
{
    /// <summary>The profile a resource belongs to.</summary>
    public const string Profile = "io.localkube.profile";

    /// <summary>The machine (node) a resource belongs to.</summary>
    public const string Machine = "io.localkube.machine";

    /// <summary>Marks every LocalKube resource, for <c>delete --all</c>.</summary>
    public const string CreatedBy = "io.localkube.created-by";

    /// <summary>Value of <see cref="CreatedBy"/>.</summary>
    public const string CreatedByValue = "localkube";
}

/// <summary>Ports and paths with fixed meaning inside a node.</summary>
public static class WellKnownPorts
{
    /// <summary>The API server's port inside an isolated node.</summary>
    public const int ApiServer = 8443;

    /// <summary>The embedded store's etcd v3 gRPC port inside a node.</summary>
    public const int Etcd = 2379;
}
