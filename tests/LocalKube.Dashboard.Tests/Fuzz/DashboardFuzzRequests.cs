using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using LocalKube.Dashboard.Tests.Streaming;
using static LocalKube.Testing.Fuzz.Mutations;

namespace LocalKube.Dashboard.Tests.Fuzz;

/// <summary>
/// Builds dashboard requests from the page's own (the API proxy, can-i, port-forwards, explain, exec and watch
/// sockets, the static pages, against <see cref="FakeApiServer"/>'s <c>demo/web</c>) and then breaks them: with and
/// without the secret, odd Host and Origin, odd paths (network-path, dot segments, backslashes, escapes) and query
/// strings, wrong methods, odd Upgrade/Connection/Content-Type/Accept values, and mutated or broken bodies.
/// </summary>
internal static class DashboardFuzzRequests
{
    /// <summary>Host values the guard accepts (<c>{port}</c> is the dashboard's).</summary>
    public static readonly string[] GoodHosts = ["127.0.0.1:{port}", "localhost:{port}", "[::1]:{port}"];

    private static readonly string[] BadHosts =
        ["evil.test:{port}", "127.0.0.1", "127.0.0.1:1", "127.0.0.1.nip.io:{port}", "LOCALHOST:{port}", "localhost.:{port}", "[::1]", "0.0.0.0:{port}", "127.1:{port}", ""];

    /// <summary>Origin values the guard takes as the dashboard's own.</summary>
    public static readonly string[] OwnOrigins = ["http://127.0.0.1:{port}", "http://localhost:{port}", "http://[::1]:{port}"];

    private static readonly string[] OtherOrigins =
        ["http://evil.test", "null", "https://127.0.0.1:{port}", "http://127.0.0.1:1", "http://evil.test:{port}", "file://", "http://127.0.0.1.nip.io:{port}", "", "::::"];

    private static readonly string[] ProxyPaths =
    [
        "/api/v1/namespaces/demo/pods", "/api/v1/namespaces/demo/pods/web", "/api/v1/pods", "/api/v1/namespaces", "/apis",
        "/apis/apps/v1/namespaces/demo/deployments", "/apis/apps/v1/namespaces/demo/deployments/web", "/api/v1/namespaces/demo/configmaps",
        "/api/v1/namespaces/demo/pods/web/log", "/version", "/readyz", "/api/v1/namespaces/demo/secrets/nope", "/openapi/v2",
    ];

    private static readonly string[] OddProxyPaths =
    [
        "//api/v1/pods", "//apis/x", "//version", "/api/../secret", "/api/v1/..", "/api/%2e%2e/%2e%2e/x", "/api\\..\\..\\x",
        "/api/v1\\..\\..\\x", "/", "", "/evil.com/x", "/api/v1/namespaces/demo/pods/web/exec", "/api/v1/namespaces/demo/pods/web/portforward",
        "/api/v1/namespaces/%00/pods", "/api/v1/namespaces/a%2Fb/pods", "/api/v1/namespaces/demo/pods/web%3Fwatch=true", "/api/v1/x#frag",
        "/apis/%ff%fe", "/api//v1", "/api/v1/namespaces/demo/pods?watch=true",
    ];

    private static readonly string[] OtherPaths =
    [
        "/", "/pods/demo/web", "/deployments/demo/web?tab=logs", "/assets/missing.js", "/favicon.ico", "/index.html", "/api", "/api/",
        "/api/nope", "/api/k8s", "/api/explain", "/api/explain/namespaces/demo", "/api/portforwards/x/y", "/api/can-i/x", "/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2fetc/passwd", "/assets/../../etc/passwd", "/web/index.html", "//", "/*",
    ];

    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "FOO", "get", "post"];

    private static readonly string[] ContentTypes =
    [
        "application/json", "application/json; charset=utf-8", "text/plain", "application/json; charset=utf-16", "application/json; charset=x-unknown",
        "application/merge-patch+json", "application/apply-patch+yaml", "application/json-patch+json", "multipart/form-data; boundary=x", "", ";;;",
        "application/json; charset=\"utf-8\"", "application/*",
    ];

    private const string ConfigMap = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"fuzz","namespace":"demo"},"data":{"k":"v"}}""";
    private const string Checks = """[{"verb":"get","group":"","resource":"pods","namespace":"demo","name":"web"},{"verb":"delete","resource":"pods","subresource":"","namespace":"demo"},{"verb":"list","group":"apps","resource":"deployments"}]""";
    private const string Forward = """{"namespace":"demo","kind":"pod","name":"web","port":8080}""";

    /// <summary>One request for case <paramref name="pcg"/>.</summary>
    public static DashboardFuzzRequest Generate(PCG pcg)
    {
        var what = new List<string>();
        var headers = new List<(string, string)>();
        string? body = null;
        var method = "GET";
        var upgrade = false;
        string endpoint;
        string target;
        switch (Next(pcg, 12))
        {
            case 0 or 1 or 2:
                endpoint = "proxy";
                var path = Chance(pcg, 80) ? Pick(pcg, ProxyPaths) : Pick(pcg, OddProxyPaths);
                target = "/api/k8s" + path + ProxyQuery(pcg, path);
                if (Chance(pcg, 30))
                {
                    method = Pick(pcg, new[] { "POST", "PUT", "PATCH", "DELETE" });
                    body = ConfigMap;
                }

                headers.Add(("Accept", Chance(pcg, 70) ? "application/json" : Pick(pcg, new[] { "application/json;as=Table;v=v1;g=meta.k8s.io,application/json", "application/vnd.kubernetes.protobuf", "*/*", "text/html" })));
                break;
            case 3:
                endpoint = "can-i";
                method = "POST";
                target = "/api/can-i";
                body = Checks;
                break;
            case 4 or 5:
                endpoint = "portforwards";
                (method, target) = Next(pcg, 3) switch
                {
                    0 => ("GET", "/api/portforwards"),
                    1 => ("DELETE", "/api/portforwards/" + Uri.EscapeDataString(Chance(pcg, 50) ? "0123456789ab" : Safe(OddString(pcg)))),
                    _ => ("POST", "/api/portforwards"),
                };
                body = method == "POST" ? ForwardBody(pcg) : null;
                break;
            case 6:
                endpoint = "explain";
                target = "/api/explain/namespaces/" + Pick(pcg, new[] { "demo", "default", "kube-system" }) + "/" + Pick(pcg, new[] { "pods", "deployments", "statefulsets", "jobs", "services", "x" }) + "/" + Pick(pcg, new[] { "web", "nope", "web-0" });
                break;
            case 7:
                endpoint = "exec";
                target = "/api/exec?namespace=demo&pod=web&command=sh&container=" + Pick(pcg, new[] { "app", "sidecar", "nope" }) + (Chance(pcg, 50) ? "&tty=true" : "");
                upgrade = Chance(pcg, 85);
                break;
            case 8:
                endpoint = "watch";
                target = "/api/watch";
                upgrade = Chance(pcg, 85);
                break;
            case 9:
                endpoint = "info";
                target = Pick(pcg, new[] { "/api/info", "/api/healthz" });
                break;
            default:
                endpoint = "page";
                target = Pick(pcg, OtherPaths);
                break;
        }

        if (upgrade)
        {
            headers.Add(("Upgrade", "websocket"));
            headers.Add(("Connection", "Upgrade"));
            headers.Add(("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="));
            headers.Add(("Sec-WebSocket-Version", "13"));
            if (endpoint == "exec")
            {
                headers.Add(("Sec-WebSocket-Protocol", Chance(pcg, 80) ? "v5.channel.k8s.io, v4.channel.k8s.io" : Pick(pcg, new[] { "v4.channel.k8s.io", "base64.channel.k8s.io", "x, y", ",", "v5.channel.k8s.io,v5.channel.k8s.io" })));
            }
        }

        // The page's own Origin on everything but a plain GET, as a browser sends it.
        if (method != "GET" || upgrade || Chance(pcg, 30))
        {
            headers.Add(("Origin", Pick(pcg, OwnOrigins)));
        }

        if (Chance(pcg, 12))
        {
            target = BreakTarget(pcg, target);
            what.Add("target");
        }

        if (Chance(pcg, 8))
        {
            method = Pick(pcg, Methods);
            what.Add("method");
        }

        if (Chance(pcg, 15))
        {
            OddHeaders(pcg, headers);
            what.Add("headers");
        }

        var bytes = body is null ? null : Encoding.UTF8.GetBytes(body);
        if (bytes is not null)
        {
            headers.Add(("Content-Type", Chance(pcg, 85) ? "application/json" : Pick(pcg, ContentTypes)));
            if (Chance(pcg, 40))
            {
                bytes = Chance(pcg, 60) ? Tree(pcg, body!) : MutateBytes(pcg, bytes);
                what.Add("body");
            }
        }
        else if (Chance(pcg, 5))
        {
            bytes = Encoding.UTF8.GetBytes(OddString(pcg));
            what.Add("stray body");
        }

        if (Chance(pcg, 3))
        {
            // A declared length past the 8 MiB limit (the body itself never comes: the answer must, before it).
            headers.Add(("Content-Length", "9000000"));
            bytes ??= [];
            what.Add("too large");
        }

        // Who is asking: the Host (DNS rebinding), the secret, the Origin of an unsafe request.
        var host = Chance(pcg, 85) ? Pick(pcg, GoodHosts) : Pick(pcg, BadHosts);
        headers.Insert(0, ("Host", host));
        if (Chance(pcg, 12))
        {
            headers.RemoveAll(h => h.Item1 == "Origin");
            headers.Add(("Origin", Pick(pcg, OtherOrigins)));
            what.Add("origin");
        }

        if (Chance(pcg, 5))
        {
            headers.Add(("Sec-Fetch-Site", Pick(pcg, new[] { "cross-site", "same-site", "same-origin", "none" })));
        }

        var secret = Next(pcg, 10) switch
        {
            < 6 => FuzzSecret.Cookie,
            6 => FuzzSecret.Query,
            7 => FuzzSecret.None,
            8 => FuzzSecret.Wrong,
            _ => FuzzSecret.OtherCookie,
        };
        return new DashboardFuzzRequest(endpoint, method, target, secret, headers, bytes, what.Count == 0 ? "valid" : string.Join(",", what));
    }

    private static string ProxyQuery(PCG pcg, string path) => Next(pcg, 6) switch
    {
        0 => "?watch=true&resourceVersion=10",
        1 => path.EndsWith("/log", StringComparison.Ordinal) ? "?container=app&tailLines=10&follow=" + (Chance(pcg, 50) ? "true" : "false") : "?limit=5",
        2 => "?labelSelector=" + Uri.EscapeDataString(Chance(pcg, 50) ? "app=web" : Safe(OddString(pcg))),
        3 => "?" + Uri.EscapeDataString(Safe(OddString(pcg))) + "=" + Uri.EscapeDataString(Safe(OddString(pcg))),
        _ => "",
    };

    private static string ForwardBody(PCG pcg)
    {
        var node = JsonNode.Parse(Forward)!.AsObject();
        if (Chance(pcg, 30))
        {
            node["localPort"] = Next(pcg, 6) switch
            {
                0 => JsonValue.Create(0),
                1 => JsonValue.Create(1),
                2 => JsonValue.Create(-1),
                3 => JsonValue.Create(65536),
                4 => JsonValue.Create("{port}"),
                _ => JsonValue.Create(2147483648L),
            };
        }

        if (Chance(pcg, 20))
        {
            node["kind"] = Pick(pcg, new[] { "service", "Pod", "deployment", "" });
        }

        return node.ToJsonString();
    }

    // Lone surrogates cannot be percent-encoded: what a browser would send instead.
    private static string Safe(string value) => string.Concat(value.Select(c => char.IsSurrogate(c) ? '\ufffd' : c));

    private static byte[] Tree(PCG pcg, string json)
    {
        var root = JsonNode.Parse(json)!;
        MutateTree(pcg, root);
        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }

    private static string BreakTarget(PCG pcg, string target)
    {
        return Next(pcg, 5) switch
        {
            0 => target + (target.Contains('?', StringComparison.Ordinal) ? "&" : "?") + Pick(pcg, new[] { "%", "%zz", "a=%ff", "==", "&&", "token", "token=", "token=%00", "a=" + new string('x', 9000) }),
            1 => target.Replace("/demo/", "/" + Uri.EscapeDataString(Safe(OddString(pcg))) + "/", StringComparison.Ordinal),
            2 => target + "/" + Pick(pcg, new[] { "..", ".", "%2e%2e", "x", "%00", "%c3" }),
            3 => target.ToUpperInvariant(),
            _ => target.Replace("/", Pick(pcg, new[] { "//", "/./", "\\" }), StringComparison.Ordinal),
        };
    }

    private static void OddHeaders(PCG pcg, List<(string, string)> headers)
    {
        for (var i = 1 + Next(pcg, 3); i > 0; i--)
        {
            var name = Pick(pcg, new[] { "Upgrade", "Connection", "Accept", "Accept-Encoding", "Content-Type", "Expect", "Transfer-Encoding", "X-Forwarded-Host", "X-Odd", "Sec-WebSocket-Protocol" });
            var value = Next(pcg, 4) switch
            {
                0 => new string(Pick(pcg, new[] { 'a', ',', ' ' }), Pick(pcg, new[] { 100, 4_000, 9_000, 40_000 })),
                1 => Pick(pcg, new[] { "websocket", "Upgrade", "keep-alive, Upgrade", "h2c", "100-continue", "chunked", "br, gzip", "evil.test", "" }),
                _ => new string(OddString(pcg).Select(c => c is '\r' or '\n' ? ' ' : c).ToArray()),
            };
            headers.Add((name, value));
        }
    }
}
