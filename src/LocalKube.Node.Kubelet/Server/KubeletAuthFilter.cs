using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;

namespace LocalKube.Node.Kubelet.Server;

/// <summary>
/// The secure port's authentication and authorization (upstream's kubelet <c>auth.go</c>): a client certificate
/// signed by the cluster CA (CN user, O groups) or a bearer token (TokenReview); then a SubjectAccessReview on
/// <c>nodes/&lt;node&gt;</c> with the HTTP method's verb and the path's subresource: <c>stats</c>, <c>metrics</c>,
/// <c>log</c> (<c>/logs/</c>), <c>spec</c>, else <c>proxy</c>.
/// </summary>
internal sealed class KubeletAuthFilter(X509Certificate2 clientCa, IKubeletAccessReviewer reviewer, string nodeName)
{
    /// <summary>True when the request may go on; otherwise the 401 or 403 has been written.</summary>
    public async Task<bool> AllowAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        KubeletCaller? caller = null;
        if (context.Connection.ClientCertificate is { } certificate && Verify(certificate))
        {
            caller = new KubeletCaller(
                certificate.GetNameInfo(X509NameType.SimpleName, false),
                [.. certificate.SubjectName.EnumerateRelativeDistinguishedNames().Where(n => n.GetSingleElementType().Value == "2.5.4.10")
                    .Select(n => n.GetSingleElementValue() ?? "")]);
        }
        else if (context.Request.Headers.Authorization.ToString() is { } header && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                caller = await reviewer.AuthenticateTokenAsync(header[7..].Trim(), ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or k8s.Autorest.HttpOperationException or IOException)
            {
                caller = null;
            }
        }

        if (caller is null)
        {
            await KubeletResponses.TextAsync(context, 401, "Unauthorized", ct).ConfigureAwait(false);
            return false;
        }

        var verb = context.Request.Method switch
        {
            "POST" => "create",
            "GET" or "HEAD" => "get",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" => "delete",
            _ => "",
        };
        var subresource = Subresource(context.Request.Path.Value ?? "/");
        bool allowed;
        try
        {
            allowed = await reviewer.AuthorizeAsync(caller, verb, subresource, nodeName, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or k8s.Autorest.HttpOperationException or IOException)
        {
            await KubeletResponses.TextAsync(context, 500, $"Authorization error (user={caller.Name}, verb={verb}, resource=nodes, subresource={subresource})", ct)
                .ConfigureAwait(false);
            return false;
        }

        if (!allowed)
        {
            await KubeletResponses.TextAsync(context, 403, $"Forbidden (user={caller.Name}, verb={verb}, resource=nodes, subresource={subresource})", ct)
                .ConfigureAwait(false);
            return false;
        }

        return true;
    }

    /// <summary>The subresource a path is authorized as.</summary>
    internal static string Subresource(string path)
    {
        static bool Under(string path, string root) => path == root || path.StartsWith(root + "/", StringComparison.Ordinal);
        return path switch
        {
            _ when Under(path, "/stats") => "stats",
            _ when Under(path, "/metrics") => "metrics",
            _ when Under(path, "/logs") => "log",
            _ when Under(path, "/spec") => "spec",
            _ => "proxy",
        };
    }

    private bool Verify(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(clientCa);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreWrongUsage;
        return chain.Build(certificate);
    }
}
