namespace LocalKube.Dashboard.Streams;

/// <summary>The page's "Forward" click: what to reach, and optionally which local port to use.</summary>
public sealed record PortForwardRequest(string Namespace, string Kind, string Name, int Port, int? LocalPort);
