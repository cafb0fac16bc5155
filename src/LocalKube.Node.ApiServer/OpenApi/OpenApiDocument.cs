using System.Security.Cryptography;

namespace LocalKube.Node.ApiServer.OpenApi;

/// <summary>One rendered OpenAPI document: its bytes and upstream's content hash (SHA-512, upper-case hex).</summary>
public sealed class OpenApiDocument
{
    /// <summary>Wraps <paramref name="body"/> and hashes it.</summary>
    public OpenApiDocument(byte[] body)
    {
        Body = body ?? throw new ArgumentNullException(nameof(body));
        Hash = Convert.ToHexString(SHA512.HashData(body));
        ETag = "\"" + Hash + "\"";
    }

    /// <summary>The JSON bytes.</summary>
    public byte[] Body { get; }

    /// <summary>The <c>hash</c> query value of the document's URL in the v3 index.</summary>
    public string Hash { get; }

    /// <summary>The quoted ETag.</summary>
    public string ETag { get; }
}
