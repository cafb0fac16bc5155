namespace LocalKube.Dashboard.Streams;

/// <summary>What a forward reaches: a pod's port, or a Service's port (resolved to a ready pod for each new connection).</summary>
/// <param name="Namespace">The namespace.</param>
/// <param name="Kind"><c>pod</c> or <c>service</c>.</param>
/// <param name="Name">The pod's or Service's name.</param>
/// <param name="Port">The container port (pods) or the Service port (Services).</param>
public sealed record PortForwardTarget(string Namespace, string Kind, string Name, int Port)
{
    public bool IsValid() =>
        !string.IsNullOrEmpty(Namespace) && !string.IsNullOrEmpty(Name) && Kind is "pod" or "service" && Port is > 0 and <= 65535
        && !Namespace.Contains('/', StringComparison.Ordinal) && !Name.Contains('/', StringComparison.Ordinal);

    public override string ToString() => $"{Kind}/{Name}:{Port} in {Namespace}";
}
