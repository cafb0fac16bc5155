namespace LocalKube.Node.ApiServer.Proxy;

/// <summary>Where a proxied request goes.</summary>
/// <param name="Uri">The full backend URL (path and query included).</param>
/// <param name="ToKubelet">Whether the backend is a kubelet (its client and error wording) rather than a pod.</param>
internal sealed record ProxyTarget(Uri Uri, bool ToKubelet);
