using System.Text;

namespace LocalKube.Node.Kubelet.Tests.Fuzz;

/// <summary>How a fuzzed request authenticates on the secure port (the read-only port takes none).</summary>
internal enum FuzzAuth
{
    /// <summary>A client certificate of the cluster CA for a user who may do anything.</summary>
    Certificate,

    /// <summary>A bearer token the reviewer knows, for a user who may do anything.</summary>
    Token,

    /// <summary>A client certificate of the cluster CA for a user who may do nothing (403).</summary>
    ForbiddenCertificate,

    /// <summary>A bearer token the reviewer knows, for a user who may do nothing (403).</summary>
    ForbiddenToken,

    /// <summary>A bearer token nobody issued (401).</summary>
    UnknownToken,

    /// <summary>A client certificate of another CA (401).</summary>
    StrangerCertificate,

    /// <summary>No credentials at all (401).</summary>
    None,
}

/// <summary>One request to the kubelet's API, as the fuzzer built it.</summary>
/// <param name="ReadOnlyPort">Sent to the read-only port (plain HTTP) rather than the secure one.</param>
/// <param name="Auth">The credentials on the secure port.</param>
/// <param name="Endpoint">The endpoint the request was built for (its outcome class), e.g. <c>containerLogs</c>.</param>
/// <param name="Method">The method, sent as is.</param>
/// <param name="Target">The request target (path and query), sent as is.</param>
/// <param name="Headers">Headers after Host, sent as is and in order (Host is replaced when one is given).</param>
/// <param name="Body">The body, or null.</param>
/// <param name="What">What was broken, for the report.</param>
internal sealed record KubeletFuzzRequest(bool ReadOnlyPort, FuzzAuth Auth, string Endpoint, string Method, string Target, IReadOnlyList<(string Name, string Value)> Headers, byte[]? Body, string What)
{
    /// <summary>Whether the credentials are ones the kubelet must refuse (401 or 403).</summary>
    public bool Unauthenticated => !ReadOnlyPort && Auth is FuzzAuth.UnknownToken or FuzzAuth.StrangerCertificate or FuzzAuth.None;

    /// <summary>Whether the caller is known but may do nothing.</summary>
    public bool Forbidden => !ReadOnlyPort && Auth is FuzzAuth.ForbiddenCertificate or FuzzAuth.ForbiddenToken;

    /// <summary>The size CsCheck shrinks.</summary>
    public long Size => Target.Length + Headers.Sum(h => h.Name.Length + h.Value.Length) + (Body?.Length ?? 0);

    /// <summary>The request's bytes: the target and header values as UTF-8, so odd characters reach the parser as bytes.</summary>
    public byte[] Encode(int port, string? token)
    {
        var head = new StringBuilder();
        head.Append(Method).Append(' ').Append(Target).Append(" HTTP/1.1\r\n");
        if (!Headers.Any(h => h.Name.Equals("Host", StringComparison.OrdinalIgnoreCase)))
        {
            head.Append("Host: 127.0.0.1:").Append(port).Append("\r\n");
        }

        if (token is not null)
        {
            head.Append("Authorization: Bearer ").Append(token).Append("\r\n");
        }

        foreach (var (name, value) in Headers)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        if (!Headers.Any(h => h.Name.Equals("Connection", StringComparison.OrdinalIgnoreCase)))
        {
            head.Append("Connection: close\r\n");
        }

        if (Body is not null && !Headers.Any(h => h.Name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) || h.Name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)))
        {
            head.Append("Content-Length: ").Append(Body.Length).Append("\r\n");
        }

        head.Append("\r\n");
        return [.. Encoding.UTF8.GetBytes(head.ToString()), .. Body ?? []];
    }

    public override string ToString()
    {
        var headers = string.Join(" | ", Headers.Select(h => $"{h.Name}: {(h.Value.Length > 200 ? h.Value[..200] + $"…({h.Value.Length})" : h.Value)}"));
        var body = Body is null ? "" : $" body({Body.Length}) {Convert.ToBase64String(Body.AsSpan(0, Math.Min(Body.Length, 600)))}";
        var target = Target.Length > 600 ? Target[..600] + $"…({Target.Length})" : Target;
        return $"[{What}] {(ReadOnlyPort ? "read-only" : Auth.ToString())} {Method} {target} {{{headers}}}{body}";
    }
}
