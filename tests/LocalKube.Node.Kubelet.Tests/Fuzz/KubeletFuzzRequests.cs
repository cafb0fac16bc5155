using System.Text;
using CsCheck;
using static LocalKube.Testing.Fuzz.Mutations;

namespace LocalKube.Node.Kubelet.Tests.Fuzz;

/// <summary>A pod the kubelet runs, as the fuzzer names it.</summary>
internal sealed record FuzzPod(string Namespace, string Name, string Uid, IReadOnlyList<string> Containers);

/// <summary>
/// Builds kubelet API requests from valid ones (real pods and containers, kubectl's query values and upgrade headers)
/// and then breaks them: odd query values (negative, huge, NaN, non-RFC 3339 times, unicode, repeated), unknown and
/// malformed paths, wrong methods, odd Upgrade/Connection/Sec-WebSocket-Protocol/X-Stream-Protocol-Version lists,
/// very long values, odd bodies, and every kind of credentials.
/// </summary>
internal static class KubeletFuzzRequests
{
    private static readonly string[] ReadOnlyPaths = ["/healthz", "/pods", "/spec", "/stats/summary", "/metrics", "/metrics/resource"];

    private static readonly string[] UnknownPaths =
    [
        "/", "/logs/", "/logs/pods", "/configz", "/debug/pprof/", "/checkpoint/default/web/app", "/run/default/web/app", "/stats",
        "/stats/summary/x", "/stats/container", "/metrics/cadvisor", "/metrics/probes", "/pods/", "/pods/x", "/healthz/ping",
        "/containerLogs", "/containerLogs/default", "/containerLogs/default/web", "/containerLogs/default/web/app/extra",
        "/exec/default/web", "/attach", "/portForward", "/portForward/default/web/uid/extra", "/runningpods", "//healthz",
        "/%2e%2e/healthz", "/healthz/..", "/containerLogs/default/web/%2Fapp", "/exec/default/web/app/%00", "/*", "/healthz?",
    ];

    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "FOO", "get", "CONNECT"];

    private static readonly string[] LogParameters = ["follow", "previous", "timestamps", "sinceSeconds", "sinceTime", "tailLines", "limitBytes", "tail", "container", "stream"];

    private static readonly string[] OddNumbers =
    [
        "-1", "0", "-0", "+5", " 5", "5 ", "1e3", "NaN", "Infinity", "0x10", "1_000", "1.5", "2147483647", "2147483648", "-2147483649",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "99999999999999999999999", "٣", "５", "", "all", "null",
    ];

    private static readonly string[] OddTimes =
    [
        "2026-01-01T00:00:00Z", "2099-01-01T00:00:00Z", "2026-01-01T00:00:00.123456789Z", "2026-01-01T00:00:00+01:00", "2026-01-01",
        "2026-01-01 00:00:00Z", "2026-01-01T00:00:00", "2026-13-45T25:61:61Z", "0001-01-01T00:00:00Z", "0000-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z", "2026-01-01T00:00:00+25:00", "2026-01-01T00:00:00-23:59", "2026-01-01t00:00:00z", "1", "yesterday",
        "Mon, 02 Jan 2006 15:04:05 MST", "2026-01-01T00:00:00.1234567891234Z", "2026-02-30T00:00:00Z", "2026-01-01T24:00:00Z", "null",
    ];

    private static readonly string[] Flags = ["true", "1", "True", "false", "0", "FALSE", "", "yes", "2", "on", "t"];

    private static readonly string[] WebSocketProtocols =
    [
        "v5.channel.k8s.io", "v4.channel.k8s.io", "v4.base64.channel.k8s.io", "v3.channel.k8s.io", "v2.channel.k8s.io", "channel.k8s.io",
        "base64.channel.k8s.io", "SPDY/3.1+portforward.k8s.io", "portforward.k8s.io", "v6.channel.k8s.io", "", " ", ",", "*",
    ];

    private static readonly string[] SpdyProtocols = ["v4.channel.k8s.io", "v3.channel.k8s.io", "v2.channel.k8s.io", "channel.k8s.io", "portforward.k8s.io", "v9.channel.k8s.io", ""];

    /// <summary>One request for case <paramref name="pcg"/>.</summary>
    public static KubeletFuzzRequest Generate(PCG pcg, IReadOnlyList<FuzzPod> pods)
    {
        var pod = Pick(pcg, pods);
        var container = Pick(pcg, pod.Containers);
        var what = new List<string>();
        var headers = new List<(string, string)>();
        var query = new List<(string Name, string Value)>();
        string endpoint;
        string path;
        var method = "GET";
        switch (Next(pcg, 10))
        {
            case 0 or 1:
                endpoint = "read-only";
                path = Pick(pcg, ReadOnlyPaths);
                break;
            case 2:
                endpoint = "runningpods";
                path = "/runningpods/";
                break;
            case 3 or 4 or 5:
                endpoint = "containerLogs";
                path = $"/containerLogs/{pod.Namespace}/{pod.Name}/{container}";
                LogQuery(pcg, query, what);
                break;
            case 6 or 7:
                endpoint = Chance(pcg, 75) ? "exec" : "attach";
                path = $"/{endpoint}/{pod.Namespace}/{pod.Name}/" + (Chance(pcg, 20) ? pod.Uid + "/" : "") + container;
                method = Chance(pcg, 70) ? "POST" : "GET";
                StreamQuery(pcg, query, endpoint == "exec", what);
                UpgradeHeaders(pcg, headers, what, portForward: false);
                break;
            case 8:
                endpoint = "portForward";
                path = $"/portForward/{pod.Namespace}/{pod.Name}" + (Chance(pcg, 20) ? "/" + pod.Uid : "");
                method = Chance(pcg, 70) ? "POST" : "GET";
                query.Add(("ports", Chance(pcg, 80) ? "8080" : Pick(pcg, new[] { "9090", "8080,9090", "0", "65536", "-1", "abc", "", "8080,", ",8080", "80 80" })));
                UpgradeHeaders(pcg, headers, what, portForward: true);
                break;
            default:
                endpoint = "unknown";
                path = Pick(pcg, UnknownPaths);
                break;
        }

        if (Chance(pcg, 12))
        {
            path = BreakPath(pcg, path);
            what.Add("path");
        }

        if (Chance(pcg, 10))
        {
            method = Pick(pcg, Methods);
            what.Add("method");
        }

        if (Chance(pcg, 15))
        {
            OddHeaders(pcg, headers);
            what.Add("headers");
        }

        byte[]? body = null;
        if (Chance(pcg, 12))
        {
            body = Body(pcg, headers);
            what.Add("body");
        }

        var readOnly = endpoint is "read-only" or "unknown" && Chance(pcg, 50);
        var auth = Next(pcg, 10) switch
        {
            < 6 => FuzzAuth.Certificate,
            6 => FuzzAuth.Token,
            7 => Pick(pcg, new[] { FuzzAuth.ForbiddenCertificate, FuzzAuth.ForbiddenToken }),
            _ => Pick(pcg, new[] { FuzzAuth.UnknownToken, FuzzAuth.StrangerCertificate, FuzzAuth.None }),
        };
        var target = path + (query.Count == 0 ? "" : "?" + string.Join('&', query.Select(q => q.Name + "=" + q.Value)));
        return new KubeletFuzzRequest(readOnly, auth, endpoint, method, target, headers, body, what.Count == 0 ? "valid" : string.Join(",", what));
    }

    private static void LogQuery(PCG pcg, List<(string, string)> query, List<string> what)
    {
        if (Chance(pcg, 30))
        {
            query.Add(("follow", "true"));
        }

        if (Chance(pcg, 20))
        {
            query.Add(("previous", "true"));
        }

        if (Chance(pcg, 30))
        {
            query.Add(("timestamps", "true"));
        }

        if (Chance(pcg, 15))
        {
            query.Add(("sinceSeconds", Pick(pcg, new[] { "1", "10", "3600" })));
        }
        else if (Chance(pcg, 15))
        {
            query.Add(("sinceTime", Pick(pcg, new[] { "2026-01-01T00:00:00Z", "2026-01-01T00:00:00.5%2B01:00" })));
        }

        if (Chance(pcg, 30))
        {
            query.Add(("tailLines", Pick(pcg, new[] { "0", "1", "5", "100" })));
        }

        if (Chance(pcg, 20))
        {
            query.Add(("limitBytes", Pick(pcg, new[] { "1", "10", "100", "100000" })));
        }

        // Then break some: odd values of the right name, repeated names, names nobody knows.
        for (var i = Chance(pcg, 55) ? 1 + Next(pcg, 3) : 0; i > 0; i--)
        {
            var name = Pick(pcg, LogParameters);
            var value = name switch
            {
                "follow" or "previous" or "timestamps" => Chance(pcg, 60) ? Pick(pcg, Flags) : OddString(pcg),
                "sinceTime" => Chance(pcg, 70) ? Pick(pcg, OddTimes) : OddString(pcg),
                "container" or "stream" => Chance(pcg, 50) ? Pick(pcg, new[] { "app", "All", "Stdout", "Stderr", "nope" }) : OddString(pcg),
                _ => Chance(pcg, 70) ? Pick(pcg, OddNumbers) : OddString(pcg),
            };
            query.Add((Chance(pcg, 10) ? OddString(pcg) : name, Value(pcg, value)));
            what.Add(name);
        }
    }

    private static void StreamQuery(PCG pcg, List<(string, string)> query, bool exec, List<string> what)
    {
        if (exec && Chance(pcg, 90))
        {
            query.Add(("command", Chance(pcg, 50) ? "cat" : "sh"));
            if (Chance(pcg, 40))
            {
                query.Add(("command", "-c"));
                query.Add(("command", Value(pcg, "echo hi")));
            }
        }

        var tty = Chance(pcg, 30);
        query.Add(("stdin", "true"));
        query.Add(("stdout", "true"));
        if (!tty)
        {
            query.Add(("stderr", "true"));
        }
        else
        {
            query.Add(("tty", "true"));
        }

        for (var i = Chance(pcg, 40) ? 1 + Next(pcg, 3) : 0; i > 0; i--)
        {
            var name = Pick(pcg, new[] { "command", "stdin", "stdout", "stderr", "tty", "input", "output", "error", "container" });
            if (name != "command" && Chance(pcg, 40))
            {
                query.RemoveAll(q => q.Item1 == name);
            }

            query.Add((name, Value(pcg, name == "command" ? OddString(pcg) : Chance(pcg, 60) ? Pick(pcg, Flags) : OddString(pcg))));
            what.Add(name);
        }
    }

    // The headers kubectl and the C# client send to upgrade, often broken.
    private static void UpgradeHeaders(PCG pcg, List<(string, string)> headers, List<string> what, bool portForward)
    {
        switch (Next(pcg, 10))
        {
            case < 4:
                headers.Add(("Upgrade", "websocket"));
                headers.Add(("Connection", "Upgrade"));
                headers.Add(("Sec-WebSocket-Key", Chance(pcg, 90) ? "dGhlIHNhbXBsZSBub25jZQ==" : Pick(pcg, new[] { "", "x", "not base64!", new string('A', 5000) })));
                headers.Add(("Sec-WebSocket-Version", Chance(pcg, 90) ? "13" : Pick(pcg, new[] { "8", "", "13, 8", "99999999999" })));
                var offered = portForward
                    ? (Chance(pcg, 50) ? "SPDY/3.1+portforward.k8s.io" : "v4.channel.k8s.io")
                    : (Chance(pcg, 60) ? "v5.channel.k8s.io, v4.channel.k8s.io" : "v4.channel.k8s.io");
                if (Chance(pcg, 35))
                {
                    offered = string.Join(Pick(pcg, new[] { ",", ", ", " ,", ",,", " " }), Enumerable.Range(0, 1 + Next(pcg, 4)).Select(_ => Chance(pcg, 70) ? Pick(pcg, WebSocketProtocols) : OddString(pcg)));
                    what.Add("subprotocols");
                }

                headers.Add(("Sec-WebSocket-Protocol", OneLine(offered)));
                break;
            case < 8:
                headers.Add(("Upgrade", Chance(pcg, 90) ? "SPDY/3.1" : Pick(pcg, new[] { "SPDY/2", "spdy/3.1", "SPDY/", "SPDY/3.1, websocket" })));
                headers.Add(("Connection", Chance(pcg, 90) ? "Upgrade" : Pick(pcg, new[] { "upgrade, keep-alive", "keep-alive", "close, Upgrade" })));
                var versions = portForward ? new[] { "portforward.k8s.io" } : new[] { "v4.channel.k8s.io", "v3.channel.k8s.io", "v2.channel.k8s.io", "channel.k8s.io" };
                if (Chance(pcg, 35))
                {
                    versions = [.. Enumerable.Range(0, Next(pcg, 5)).Select(_ => Chance(pcg, 70) ? Pick(pcg, SpdyProtocols) : OneLine(OddString(pcg)))];
                    what.Add("stream versions");
                }

                foreach (var version in versions)
                {
                    headers.Add(("X-Stream-Protocol-Version", version));
                }

                break;
            case 8:
                // Half an upgrade: one header without the other.
                headers.Add(Chance(pcg, 50) ? ("Upgrade", Pick(pcg, new[] { "websocket", "SPDY/3.1", "h2c", "" })) : ("Connection", "Upgrade"));
                what.Add("half upgrade");
                break;
            default:
                // No upgrade: a plain request to a streaming endpoint.
                break;
        }
    }

    private static void OddHeaders(PCG pcg, List<(string, string)> headers)
    {
        for (var i = 1 + Next(pcg, 3); i > 0; i--)
        {
            var name = Pick(pcg, new[] { "Upgrade", "Connection", "Sec-WebSocket-Protocol", "X-Stream-Protocol-Version", "Accept", "Content-Type", "Host", "Expect", "Transfer-Encoding", "Authorization", "X-Odd" });
            var value = Next(pcg, 5) switch
            {
                0 => new string(Pick(pcg, new[] { 'a', ',', ' ', 'v' }), Pick(pcg, new[] { 100, 4_000, 9_000, 40_000 })),
                1 => string.Join(",", Enumerable.Range(0, 50 + Next(pcg, 500)).Select(n => "v" + n + ".channel.k8s.io")),
                2 => Pick(pcg, new[] { "websocket", "Upgrade", "keep-alive, Upgrade, close", "100-continue", "chunked", "gzip, chunked", "Bearer", "Bearer ", "Basic YTpi", "evil.test", "127.0.0.1:1", "" }),
                _ => OneLine(OddString(pcg)),
            };
            headers.Add((name, value));
        }
    }

    private static byte[] Body(PCG pcg, List<(string, string)> headers)
    {
        byte[] body = Next(pcg, 4) switch
        {
            0 => [],
            1 => Encoding.UTF8.GetBytes(OddString(pcg)),
            2 => MutateBytes(pcg, "{\"apiVersion\":\"v1\",\"kind\":\"Status\"}"u8.ToArray()),
            _ => [.. Enumerable.Range(0, Next(pcg, 70_000)).Select(n => (byte)(n * 7))],
        };
        if (Chance(pcg, 25))
        {
            // Chunked, as kubectl never sends it here; the server must still read or ignore it.
            headers.Add(("Transfer-Encoding", "chunked"));
            var chunked = new List<byte>();
            foreach (var piece in body.Chunk(1 + Next(pcg, 4096)))
            {
                chunked.AddRange(Encoding.ASCII.GetBytes($"{piece.Length:x}\r\n"));
                chunked.AddRange(piece);
                chunked.AddRange("\r\n"u8.ToArray());
            }

            chunked.AddRange("0\r\n\r\n"u8.ToArray());
            return [.. chunked];
        }

        return body;
    }

    // A path with one segment replaced by an odd one, percent-encoded (or, sometimes, its escapes left half-done).
    private static string BreakPath(PCG pcg, string path)
    {
        var segments = path.Split('/');
        var at = 1 + Next(pcg, Math.Max(1, segments.Length - 1));
        if (at >= segments.Length)
        {
            return path + "/" + Value(pcg, OddString(pcg));
        }

        segments[at] = Chance(pcg, 15) ? Pick(pcg, new[] { "%", "%zz", "%c3", "%ff%fe", "%00", "..", ".", "%2e%2e", "%2F" }) : Value(pcg, OddString(pcg));
        return string.Join('/', segments);
    }

    // A query or path value: percent-encoded (with lone surrogates replaced), or raw but for what would end the line.
    private static string Value(PCG pcg, string value)
    {
        var safe = string.Concat(value.Select(c => char.IsSurrogate(c) ? '\ufffd' : c));
        return Chance(pcg, 85) ? Uri.EscapeDataString(safe) : new string(safe.Where(c => c is not ('\r' or '\n' or ' ' or '#')).ToArray());
    }

    // A header value on one line (its other characters, non-ASCII and controls included, are for Kestrel to judge).
    private static string OneLine(string value) => new(value.Select(c => c is '\r' or '\n' ? ' ' : c).ToArray());
}
