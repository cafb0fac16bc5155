namespace LocalKube.Abstractions.Drivers;

/// <summary>How to reach a running node.</summary>
/// <param name="NodeIp">The node's own address (what <c>localkube ip</c> prints). 127.0.0.1 for the process driver.</param>
/// <param name="ApiServer">The API server URL reachable from the host, always on 127.0.0.1.</param>
/// <param name="Addresses">Every address of the node, for the API server certificate's SANs.</param>
public sealed record NodeEndpoint(string NodeIp, Uri ApiServer, IReadOnlyList<string> Addresses);
