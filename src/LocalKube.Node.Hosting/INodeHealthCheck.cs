namespace LocalKube.Node.Hosting;

/// <summary>
/// A health check listed beside the components' own in <c>/healthz</c>, <c>/livez</c> and <c>/readyz</c>: something
/// a component depends on that can fail while the component still runs (upstream's <c>etcd</c> checks).
/// </summary>
public interface INodeHealthCheck
{
    /// <summary>The check name shown by <c>?verbose</c> and served at <c>/readyz/&lt;name&gt;</c>.</summary>
    string Name { get; }

    /// <summary>The endpoints that list it: any of <c>healthz</c>, <c>livez</c>, <c>readyz</c>.</summary>
    IReadOnlyCollection<string> Endpoints { get; }

    /// <summary>Whether it passes now. Cheap: health endpoints are polled.</summary>
    bool IsHealthy { get; }
}
