namespace LocalKube.Core.Services;

/// <summary>
/// One service port reachable from the host: where it is dialled inside the node (the NodePort on 127.0.0.1, so the
/// node's proxy balances and follows readiness, or the ClusterIP for ClusterIP-only services).
/// </summary>
/// <param name="Namespace">The service's namespace.</param>
/// <param name="Name">The service's name.</param>
/// <param name="PortName">The port's name (may be empty).</param>
/// <param name="Port">The service port.</param>
/// <param name="NodeHost">The address dialled inside the node.</param>
/// <param name="NodePort">The port dialled inside the node.</param>
public sealed record ServiceTarget(string Namespace, string Name, string PortName, int Port, string NodeHost, int NodePort);
