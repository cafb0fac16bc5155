namespace LocalKube.Node.Hosting;

/// <summary>
/// Registers a component's readiness gate. Added to the service collection by
/// <see cref="NodeServiceCollectionExtensions.AddNodeComponent{TService}"/>, in dependency order.
/// </summary>
/// <param name="Component">The component.</param>
public sealed record NodeComponentRegistration(NodeComponent Component);
