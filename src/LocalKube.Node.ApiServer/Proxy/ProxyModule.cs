using System.Net;
using LocalKube.Node.ApiServer.Http;
using LocalKube.Node.ApiServer.Rest;
using LocalKube.Node.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace LocalKube.Node.ApiServer.Proxy;

/// <summary>
/// The subresources the API server serves by proxying, as upstream: <c>pods/log</c>, <c>pods/exec</c>,
/// <c>pods/attach</c>, <c>pods/portforward</c> and <c>nodes/proxy</c> to the node's kubelet (HTTPS, the API server's
/// kubelet client certificate; exec, attach and port-forward upgrade the connection and the bytes pass through both
/// ways, whichever of WebSocket or SPDY the client chose), and <c>pods/proxy</c> and <c>services/proxy</c> to the pod.
/// </summary>
public sealed class ProxyModule(ResourceStore store, IOptions<NodeAgentOptions> options) : IApiServerModule, IDisposable
{
    private static readonly string[] ProxyMethods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
    private static readonly string[] StreamMethods = ["GET", "POST"];

    // Upstream has no idle limit of its own on streams; the kubelet's streaming-connection-idle-timeout is 4 hours.
    private static readonly ForwarderRequestConfig Config = new()
    {
        ActivityTimeout = TimeSpan.FromHours(4),
        Version = HttpVersion.Version11,
        VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
    };

    private readonly ProxyLocations _locations = new(store);
    private readonly Lazy<KubeletTransport> _transport = new(() => KubeletTransport.Load(options.Value.CertDir));

    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services) => services.AddHttpForwarder();

    /// <inheritdoc />
    public void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        const string Pod = "/api/v1/namespaces/{namespace}/pods/{name}";
        endpoints.MapGet(Pod + "/log", context => Serve(context, "pods/log", async ct =>
            await _locations.LogAsync(Value(context, "namespace"), Value(context, "name"), context.Request.Query, ct)));
        foreach (var verb in new[] { "exec", "attach" })
        {
            endpoints.MapMethods(Pod + "/" + verb, StreamMethods, context => Serve(context, null, async ct =>
                await _locations.RemoteCommandAsync(verb, Value(context, "namespace"), Value(context, "name"), context.Request.Query, ct)));
        }

        endpoints.MapMethods(Pod + "/portforward", StreamMethods, context => Serve(context, null, async ct =>
            await _locations.PortForwardAsync(Value(context, "namespace"), Value(context, "name"), context.Request.Query, ct)));
        foreach (var suffix in new[] { "/proxy", "/proxy/{**path}" })
        {
            endpoints.MapMethods(Pod + suffix, ProxyMethods, context => Serve(context, null, async ct =>
                await _locations.PodAsync(Value(context, "namespace"), Value(context, "name"), Value(context, "path"), context.Request.Query, ct), rewriteLinks: true));
            endpoints.MapMethods("/api/v1/namespaces/{namespace}/services/{name}" + suffix, ProxyMethods, context => Serve(context, null, async ct =>
                await _locations.ServiceAsync(Value(context, "namespace"), Value(context, "name"), Value(context, "path"), context.Request.Query, ct), rewriteLinks: true));
            endpoints.MapMethods("/api/v1/nodes/{name}" + suffix, ProxyMethods, context => Serve(context, null, async ct =>
                await _locations.NodeAsync(Value(context, "name"), Value(context, "path"), context.Request.Query, ct), rewriteLinks: true));
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_transport.IsValueCreated)
        {
            _transport.Value.Dispose();
        }
    }

    private static string Value(HttpContext context, string key) => context.Request.RouteValues[key] as string ?? "";

    private static ProxiedLinks Links(HttpContext context, ProxyTarget target) =>
        new(ProxiedLinks.PrefixOf(context.Request.PathBase + context.Request.Path, target.Uri.AbsolutePath), target.Uri.Authority, context.Request.Host.Value ?? "");

    private async Task Serve(HttpContext context, string? statusResource, Func<CancellationToken, Task<ProxyTarget?>> locate, bool rewriteLinks = false)
    {
        var ct = context.RequestAborted;
        ProxyTarget? target;
        try
        {
            target = await locate(ct);
        }
        catch (StatusException e)
        {
            await ResponseWriter.SendAsync(context, e.Code, ApiStatus.ContentType, e.Render(), ct);
            return;
        }

        if (target is null)
        {
            // A pod without a node has no log yet: upstream answers with an empty stream.
            context.Response.ContentType = "text/plain";
            return;
        }

        var transport = _transport.Value;
        var forwarder = context.RequestServices.GetRequiredService<IHttpForwarder>();
        var name = Value(context, "name");
        var error = await forwarder.SendAsync(context, target.Uri.GetLeftPart(UriPartial.Authority),
            target.ToKubelet ? transport.Kubelet : transport.Pods, Config, new ProxyTransformer(target, statusResource, name, rewriteLinks ? Links(context, target) : null), ct);
        if (error != ForwarderError.None && !context.Response.HasStarted && !ct.IsCancellationRequested)
        {
            var failure = context.Features.Get<IForwarderErrorFeature>()?.Exception;
            var body = ProxyTransformer.Unreachable(failure, target.ToKubelet);
            context.Response.Clear();
            await ResponseWriter.SendAsync(context, target.ToKubelet ? 500 : 503, ApiStatus.ContentType, body, ct);
        }
    }
}
