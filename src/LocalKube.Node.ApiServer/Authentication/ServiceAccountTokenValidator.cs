using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace LocalKube.Node.ApiServer.Authentication;

/// <summary>
/// Verifies service-account JWTs: RS256 signature with sa.pub, <c>iss</c>, <c>aud</c> (one of the API audiences),
/// <c>exp</c>/<c>nbf</c> with a one-minute leeway, and a well-formed <c>sub</c>. Whether the service account (and the
/// pod or secret the token is bound to) still exists is <see cref="ServiceAccountTokenRevocation"/>'s part.
/// </summary>
public sealed class ServiceAccountTokenValidator
{
    /// <summary>Clock skew tolerated on <c>exp</c> and <c>nbf</c>.</summary>
    public static readonly TimeSpan Leeway = TimeSpan.FromMinutes(1);

    // Tokens are a few hundred bytes; refuse to parse megabytes of attacker input.
    private const int MaxTokenLength = 16 * 1024;

    private readonly RSA _key;
    private readonly string _issuer;
    private readonly HashSet<string> _audiences;
    private readonly TimeProvider _time;

    /// <summary>Verifies with <paramref name="verificationKey"/> (sa.pub) for <paramref name="audiences"/>.</summary>
    public ServiceAccountTokenValidator(
        RSA verificationKey, IEnumerable<string> audiences, string issuer = ServiceAccountTokens.DefaultIssuer, TimeProvider? time = null)
    {
        _key = verificationKey ?? throw new ArgumentNullException(nameof(verificationKey));
        ArgumentNullException.ThrowIfNull(audiences);
        _audiences = new HashSet<string>(audiences, StringComparer.Ordinal);
        _issuer = issuer;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Validates <paramref name="token"/>; on success returns the service account's user.</summary>
    public bool TryValidate(string token, out KubeUser? user, out string? error) => TryValidate(token, out user, out _, out error);

    /// <summary>Validates <paramref name="token"/>; on success returns the user and the claims to check against storage.</summary>
    public bool TryValidate(string token, out KubeUser? user, out ServiceAccountTokenClaims? claims, out string? error)
    {
        user = null;
        claims = null;
        try
        {
            error = Validate(token, out user, out claims);
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException or KeyNotFoundException)
        {
            error = "malformed token: " + e.Message;
        }

        return error is null;
    }

    private string? Validate(string token, out KubeUser? user, out ServiceAccountTokenClaims? tokenClaims)
    {
        user = null;
        tokenClaims = null;
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength)
        {
            return "token is empty or too long";
        }

        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return "not a JWS compact token";
        }

        using (var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0])))
        {
            // Only RS256: never "none", never an HMAC keyed with the public key.
            if (header.RootElement.GetProperty("alg").GetString() != ServiceAccountTokens.Algorithm)
            {
                return "unsupported signing algorithm";
            }
        }

        var signingInput = Encoding.ASCII.GetBytes(token, 0, parts[0].Length + 1 + parts[1].Length);
        if (!_key.VerifyData(signingInput, Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        {
            return "invalid signature";
        }

        using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
        var claims = payload.RootElement;
        if (!claims.TryGetProperty("iss", out var iss) || iss.GetString() != _issuer)
        {
            return "wrong issuer";
        }

        if (!Audiences(claims).Any(_audiences.Contains))
        {
            return "token audiences do not include the API server's";
        }

        var now = _time.GetUtcNow();
        if (!claims.TryGetProperty("exp", out var exp) || DateTimeOffset.FromUnixTimeSeconds(exp.GetInt64()) + Leeway <= now)
        {
            return "token expired";
        }

        if (claims.TryGetProperty("nbf", out var nbf) && DateTimeOffset.FromUnixTimeSeconds(nbf.GetInt64()) - Leeway > now)
        {
            return "token not valid yet";
        }

        var k8s = claims.GetProperty("kubernetes.io");
        var ns = k8s.GetProperty("namespace").GetString() ?? "";
        var sa = k8s.GetProperty("serviceaccount");
        var name = sa.GetProperty("name").GetString() ?? "";
        var sub = claims.GetProperty("sub").GetString();
        if (ns.Length == 0 || name.Length == 0 || sub != $"{ServiceAccountTokens.UserNamePrefix}{ns}:{name}")
        {
            return "subject does not match the service account claims";
        }

        var extra = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        ServiceAccountTokenBinding? binding = null;
        foreach (var (claim, kind) in (ReadOnlySpan<(string, string)>)[("pod", "Pod"), ("secret", "Secret"), ("node", "Node")])
        {
            if (k8s.TryGetProperty(claim, out var bound))
            {
                var boundName = bound.GetProperty("name").GetString() ?? "";
                var boundUid = bound.GetProperty("uid").GetString() ?? "";
                binding ??= new ServiceAccountTokenBinding(kind, boundName, boundUid);
                if (claim != "secret")
                {
                    extra[$"authentication.kubernetes.io/{claim}-name"] = [boundName];
                    extra[$"authentication.kubernetes.io/{claim}-uid"] = [boundUid];
                }
            }
        }

        if (claims.TryGetProperty("jti", out var jti))
        {
            extra["authentication.kubernetes.io/credential-id"] = [$"JTI={jti.GetString()}"];
        }

        var saUid = sa.TryGetProperty("uid", out var uid) ? uid.GetString() : null;
        user = new KubeUser(
            sub,
            [ServiceAccountTokens.AllServiceAccountsGroup, $"{ServiceAccountTokens.AllServiceAccountsGroup}:{ns}"],
            saUid,
            extra);
        tokenClaims = new ServiceAccountTokenClaims(ns, name, saUid ?? "", binding);
        return null;
    }

    private static IEnumerable<string> Audiences(JsonElement claims)
    {
        if (!claims.TryGetProperty("aud", out var aud))
        {
            return [];
        }

        // RFC 7519: "aud" is a string or an array of strings.
        return aud.ValueKind == JsonValueKind.String
            ? [aud.GetString()!]
            : aud.EnumerateArray().Select(a => a.GetString() ?? "").ToArray();
    }
}
