using System.Globalization;
using LocalKube.Node.Kubelet.Runtime;
using LocalKube.Node.Kubelet.Streaming.PortForward;
using LocalKube.Node.Kubelet.Streaming.RemoteCommand;
using LocalKube.Node.Kubelet.Streaming.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace LocalKube.Node.Kubelet.Server;

/// <summary>
/// <c>/exec</c>, <c>/attach</c> and <c>/portForward</c>: finds the pod and its container (or sandbox) first, so a
/// missing one is a plain HTTP error before any upgrade, then upgrades to WebSocket or SPDY and runs the session.
/// </summary>
internal sealed class StreamingHandlers(IKubeletPodSource source, TimeSpan streamCreationTimeout)
{
    /// <summary>Handles an exec (<paramref name="exec"/>) or attach.</summary>
    public async Task RemoteCommandAsync(HttpContext context, string ns, string name, string? uid, string container, bool exec)
    {
        var ct = context.RequestAborted;
        var options = RemoteCommandOptions.Parse(context.Request.Query, out var invalid);
        if (options is null)
        {
            await KubeletResponses.TextAsync(context, 400, invalid!, ct).ConfigureAwait(false);
            return;
        }

        if (exec && options.Command.Count == 0)
        {
            await KubeletResponses.TextAsync(context, 400, "you must specify a command", ct).ConfigureAwait(false);
            return;
        }

        var pod = KubeletPodLookup.Find(source, ns, name);
        if (pod is null)
        {
            await KubeletResponses.TextAsync(context, 404, "pod does not exist", ct).ConfigureAwait(false);
            return;
        }

        // A UID that is not the pod's finds no container, as upstream's lookup by UID.
        var running = string.IsNullOrEmpty(uid) || pod.Metadata.Uid == uid
            ? await KubeletPodLookup.RunningContainerAsync(source, pod, container, ct).ConfigureAwait(false)
            : null;
        if (running is null)
        {
            // Upstream: the streaming server's findContainer error, written with 500 (streaming.WriteError), which the
            // API server passes on and kubectl prints; kept for fidelity (the fuzz target allows exactly this text).
            await KubeletResponses.TextAsync(context, 500, $"container not found (\"{container}\")", ct).ConfigureAwait(false);
            return;
        }

        Func<CancellationToken, Task<IRuntimeStreamSession>> start = exec
            ? token => source.Runtime.ExecAsync(running.Id, new ExecOptions(options.Command, options.Stdin, options.Stdout, options.Stderr, options.Tty), token)
            : token => source.Runtime.AttachAsync(running.Id, new AttachOptions(options.Stdin, options.Stdout, options.Stderr, options.Tty), token);

        if (context.WebSockets.IsWebSocketRequest)
        {
            var protocol = StreamProtocols.Negotiate(context.WebSockets.WebSocketRequestedProtocols, StreamProtocols.RemoteCommandWebSocket);
            if (protocol is null)
            {
                await KubeletResponses.TextAsync(context, 400,
                    StreamProtocols.NegotiationFailure(context.WebSockets.WebSocketRequestedProtocols, StreamProtocols.RemoteCommandWebSocket), ct).ConfigureAwait(false);
                return;
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync(protocol.Length == 0 ? null : protocol).ConfigureAwait(false);
            await using var channels = await WebSocketRemoteCommandChannels.OpenAsync(new ChannelWebSocket(socket, protocol), options, ct).ConfigureAwait(false);
            await RemoteCommandRunner.RunAsync(channels, options, exec, start, ct).ConfigureAwait(false);
            return;
        }

        var transport = await UpgradeSpdyAsync(context, StreamProtocols.RemoteCommandSpdy).ConfigureAwait(false);
        if (transport is null)
        {
            return;
        }

        var spdy = await SpdyRemoteCommandChannels.AcceptAsync(transport.Value.Stream, transport.Value.Protocol, options, streamCreationTimeout, ct).ConfigureAwait(false);
        if (spdy is null)
        {
            return;
        }

        await using (spdy.ConfigureAwait(false))
        {
            await RemoteCommandRunner.RunAsync(spdy, options, exec, start, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Handles a port-forward in any of its three protocols.</summary>
    public async Task PortForwardAsync(HttpContext context, string ns, string name, string? uid)
    {
        var ct = context.RequestAborted;
        var pod = KubeletPodLookup.Find(source, ns, name);
        if (pod is null)
        {
            await KubeletResponses.TextAsync(context, 404, "pod does not exist", ct).ConfigureAwait(false);
            return;
        }

        if (!string.IsNullOrEmpty(uid) && pod.Metadata.Uid != uid)
        {
            await KubeletResponses.TextAsync(context, 404, "pod not found", ct).ConfigureAwait(false);
            return;
        }

        var sandbox = await KubeletPodLookup.ReadySandboxAsync(source, pod, ct).ConfigureAwait(false);
        if (sandbox is null)
        {
            // Upstream: GetPortForward's error, written with 500 by streaming.WriteError; kept for fidelity.
            await KubeletResponses.TextAsync(context, 500, $"pod not found (\"{name}_{ns}\")", ct).ConfigureAwait(false);
            return;
        }

        Task<Stream> Dial(int port, CancellationToken token) => source.Runtime.DialPodPortAsync(sandbox.Id, port, token);

        if (context.WebSockets.IsWebSocketRequest)
        {
            var offered = context.WebSockets.WebSocketRequestedProtocols;
            if (offered.Contains(StreamProtocols.PortForwardTunnel))
            {
                // .NET refuses '/' in a subprotocol it is given (not an RFC 6455 token), after the 101 is out, which
                // aborts the connection; so the header is set here and the socket itself carries no subprotocol.
                context.Response.Headers.SecWebSocketProtocol = StreamProtocols.PortForwardTunnel;
                using var tunnel = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext()).ConfigureAwait(false);
                await SpdyPortForwarder.ServeAsync(new WebSocketByteStream(tunnel), sandbox.Id, Dial, ct).ConfigureAwait(false);
                return;
            }

            var protocol = StreamProtocols.Negotiate(offered, StreamProtocols.PortForwardWebSocket);
            var ports = new List<int>();
            foreach (var value in context.Request.Query["ports"].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)))
            {
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
                {
                    await KubeletResponses.TextAsync(context, 400, $"unable to parse \"{value}\" as a port: invalid port", ct).ConfigureAwait(false);
                    return;
                }

                ports.Add(port);
            }

            if (protocol is null || ports.Count == 0)
            {
                await KubeletResponses.TextAsync(context, 400,
                    protocol is null ? StreamProtocols.NegotiationFailure(offered, StreamProtocols.PortForwardWebSocket) : "query parameter \"port\" is required", ct)
                    .ConfigureAwait(false);
                return;
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync(protocol.Length == 0 ? null : protocol).ConfigureAwait(false);
            await WebSocketPortForwarder.ServeAsync(new ChannelWebSocket(socket, protocol), ports, sandbox.Id, Dial, ct).ConfigureAwait(false);
            return;
        }

        var transport = await UpgradeSpdyAsync(context, [StreamProtocols.PortForward]).ConfigureAwait(false);
        if (transport is not null)
        {
            await SpdyPortForwarder.ServeAsync(transport.Value.Stream, sandbox.Id, Dial, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Negotiates the protocol and switches to SPDY; null after answering an unusable request.</summary>
    private static async Task<(Stream Stream, string Protocol)?> UpgradeSpdyAsync(HttpContext context, string[] supported)
    {
        var ct = context.RequestAborted;
        var upgrade = context.Features.Get<IHttpUpgradeFeature>();
        if (upgrade is not { IsUpgradableRequest: true } || !StreamProtocols.IsSpdyUpgrade(context.Request))
        {
            await KubeletResponses.TextAsync(context, 400, "Upgrade request required", ct).ConfigureAwait(false);
            return null;
        }

        var offered = context.Request.Headers[StreamProtocols.VersionHeader];
        var protocol = StreamProtocols.Negotiate(offered, supported);
        if (protocol is null)
        {
            await KubeletResponses.TextAsync(context, 403, StreamProtocols.NegotiationFailure(offered, supported), ct).ConfigureAwait(false);
            return null;
        }

        if (protocol.Length > 0)
        {
            context.Response.Headers[StreamProtocols.VersionHeader] = protocol;
        }

        context.Response.Headers.Connection = "Upgrade";
        context.Response.Headers.Upgrade = "SPDY/3.1";
        var stream = await upgrade.UpgradeAsync().ConfigureAwait(false);
        return (stream, protocol);
    }
}
