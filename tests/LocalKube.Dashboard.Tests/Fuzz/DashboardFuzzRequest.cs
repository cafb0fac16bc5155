using System.Text;

namespace LocalKube.Dashboard.Tests.Fuzz;

/// <summary>How a fuzzed request carries (or does not carry) the per-run secret.</summary>
internal enum FuzzSecret
{
    /// <summary>The cookie the first visit set.</summary>
    Cookie,

    /// <summary>The printed link's <c>token</c> query parameter.</summary>
    Query,

    /// <summary>Nothing.</summary>
    None,

    /// <summary>A wrong value, as cookie or token.</summary>
    Wrong,

    /// <summary>The right value under another port's cookie name (another dashboard's).</summary>
    OtherCookie,
}

/// <summary>One request to the dashboard, as the fuzzer built it; Host, Origin and Cookie are among the headers.</summary>
/// <param name="Endpoint">The endpoint it was built for (its outcome class), e.g. <c>proxy</c>.</param>
/// <param name="Method">The method, sent as is.</param>
/// <param name="Target">The request target, sent as is (the <c>token</c> parameter is added for <see cref="FuzzSecret.Query"/>).</param>
/// <param name="Secret">How the secret is carried.</param>
/// <param name="Headers">Headers, sent as is and in order; <c>{port}</c> and <c>{secret}</c> in values are filled in when sent.</param>
/// <param name="Body">The body, or null.</param>
/// <param name="What">What was broken, for the report.</param>
internal sealed record DashboardFuzzRequest(string Endpoint, string Method, string Target, FuzzSecret Secret, IReadOnlyList<(string Name, string Value)> Headers, byte[]? Body, string What)
{
    /// <summary>The size CsCheck shrinks.</summary>
    public long Size => Target.Length + Headers.Sum(h => h.Name.Length + h.Value.Length) + (Body?.Length ?? 0);

    /// <summary>The request's bytes for a dashboard on <paramref name="port"/> with <paramref name="secret"/>; <paramref name="marker"/>
    /// (a query parameter) ends the target, so what the proxy sends on can be told from what earlier cases sent.</summary>
    public byte[] Encode(int port, string secret, string? marker = null)
    {
        string Fill(string value) => value.Replace("{port}", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{secret}", secret, StringComparison.Ordinal);
        var target = Secret switch
        {
            FuzzSecret.Query => Target + (Target.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "token=" + secret,
            FuzzSecret.Wrong when Target.Length % 2 == 0 => Target + (Target.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "token=" + secret + "x",
            _ => Target,
        };
        if (marker is not null)
        {
            target += (target.Contains('?', StringComparison.Ordinal) ? "&" : "?") + marker;
        }

        var head = new StringBuilder().Append(Method).Append(' ').Append(target).Append(" HTTP/1.1\r\n");
        foreach (var (name, value) in Headers)
        {
            head.Append(name).Append(": ").Append(Fill(value)).Append("\r\n");
        }

        var cookie = Secret switch
        {
            FuzzSecret.Cookie => $"localkube-dashboard-{port}={secret}",
            FuzzSecret.Wrong when Target.Length % 2 == 1 => $"localkube-dashboard-{port}=nope",
            FuzzSecret.OtherCookie => $"localkube-dashboard-{port + 1}={secret}",
            _ => null,
        };
        if (cookie is not null)
        {
            head.Append("Cookie: theme=dark; ").Append(cookie).Append("\r\n");
        }

        if (!Headers.Any(h => h.Name.Equals("Connection", StringComparison.OrdinalIgnoreCase)))
        {
            head.Append("Connection: close\r\n");
        }

        if (Body is not null && !Headers.Any(h => h.Name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) || h.Name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)))
        {
            head.Append("Content-Length: ").Append(FillBody(Body, port).Length).Append("\r\n");
        }

        head.Append("\r\n");
        return [.. Encoding.UTF8.GetBytes(head.ToString()), .. FillBody(Body ?? [], port)];
    }

    // "{port}" in a body (a forward's localPort) is the dashboard's own port, which is taken.
    private static byte[] FillBody(byte[] body, int port)
    {
        var at = body.AsSpan().IndexOf("{port}"u8);
        return at < 0 ? body : [.. body[..at], .. Encoding.ASCII.GetBytes(port.ToString(System.Globalization.CultureInfo.InvariantCulture)), .. body[(at + 6)..]];
    }

    public override string ToString()
    {
        var headers = string.Join(" | ", Headers.Select(h => $"{h.Name}: {(h.Value.Length > 200 ? h.Value[..200] + $"…({h.Value.Length})" : h.Value)}"));
        var body = Body is null ? "" : $" body({Body.Length}) {Encoding.UTF8.GetString(Body.AsSpan(0, Math.Min(Body.Length, 600)))}";
        return $"[{What}] secret:{Secret} {Method} {(Target.Length > 600 ? Target[..600] + "…" : Target)} {{{headers}}}{body}";
    }
}
