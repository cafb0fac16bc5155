using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace LocalKube.Node.ApiServer.Authentication;

/// <summary>
/// Mints RS256 service-account JWTs signed with sa.key, in the upstream claim layout
/// (<c>iss, sub, aud, exp, iat, nbf, jti, kubernetes.io{namespace, serviceaccount, pod|secret|node}</c>).
/// </summary>
public sealed class ServiceAccountTokenIssuer
{
    private readonly RSA _key;
    private readonly string _issuer;
    private readonly TimeProvider _time;
    private readonly byte[] _encodedHeader;

    /// <summary>Signs with <paramref name="signingKey"/> (the private sa.key) as <paramref name="issuer"/>.</summary>
    public ServiceAccountTokenIssuer(RSA signingKey, string issuer = ServiceAccountTokens.DefaultIssuer, TimeProvider? time = null)
    {
        _key = signingKey ?? throw new ArgumentNullException(nameof(signingKey));
        ArgumentException.ThrowIfNullOrEmpty(issuer);
        _issuer = issuer;
        _time = time ?? TimeProvider.System;
        KeyId = ServiceAccountTokens.KeyId(signingKey);
        _encodedHeader = Encode(json =>
        {
            json.WriteString("alg", ServiceAccountTokens.Algorithm);
            json.WriteString("kid", KeyId);
        });
    }

    /// <summary>The <c>kid</c> header of every token.</summary>
    public string KeyId { get; }

    /// <summary>Mints a token for <paramref name="request"/>.</summary>
    public string Issue(ServiceAccountTokenRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Lifetime <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(request), "a token lifetime must be positive");
        }

        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        var payload = Encode(json =>
        {
            json.WriteStartArray("aud");
            foreach (var audience in request.Audiences)
            {
                json.WriteStringValue(audience);
            }

            json.WriteEndArray();
            json.WriteNumber("exp", now + (long)request.Lifetime.TotalSeconds);
            json.WriteNumber("iat", now);
            json.WriteString("iss", _issuer);
            json.WriteString("jti", Guid.NewGuid().ToString());
            json.WriteStartObject("kubernetes.io");
            json.WriteString("namespace", request.Namespace);
            if (request.BoundObject is { } bound)
            {
                json.WriteStartObject(bound.ClaimName);
                json.WriteString("name", bound.Name);
                json.WriteString("uid", bound.Uid);
                json.WriteEndObject();
            }

            json.WriteStartObject("serviceaccount");
            json.WriteString("name", request.ServiceAccountName);
            json.WriteString("uid", request.ServiceAccountUid);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteNumber("nbf", now);
            json.WriteString("sub", $"{ServiceAccountTokens.UserNamePrefix}{request.Namespace}:{request.ServiceAccountName}");
        });

        var signingInput = new byte[_encodedHeader.Length + 1 + payload.Length];
        _encodedHeader.CopyTo(signingInput, 0);
        signingInput[_encodedHeader.Length] = (byte)'.';
        payload.CopyTo(signingInput, _encodedHeader.Length + 1);
        var signature = _key.SignData(signingInput, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{Encoding.ASCII.GetString(signingInput)}.{Base64Url.EncodeToString(signature)}";
    }

    private static byte[] Encode(Action<Utf8JsonWriter> writeMembers)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            writeMembers(json);
            json.WriteEndObject();
        }

        return Encoding.ASCII.GetBytes(Base64Url.EncodeToString(buffer.WrittenSpan));
    }
}
