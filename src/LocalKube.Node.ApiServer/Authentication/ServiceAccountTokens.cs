using System.Buffers.Text;
using System.Security.Cryptography;

namespace LocalKube.Node.ApiServer.Authentication;

/// <summary>Constants and helpers shared by the service-account token issuer and validator.</summary>
public static class ServiceAccountTokens
{
    /// <summary>The cluster's token issuer (<c>iss</c>), and its default API audience.</summary>
    public const string DefaultIssuer = "https://kubernetes.default.svc.cluster.local";

    /// <summary>The only accepted signature algorithm.</summary>
    public const string Algorithm = "RS256";

    /// <summary>User names of service accounts start with this.</summary>
    public const string UserNamePrefix = "system:serviceaccount:";

    /// <summary>The group of every service account.</summary>
    public const string AllServiceAccountsGroup = "system:serviceaccounts";

    /// <summary>
    /// The JWT <c>kid</c> of <paramref name="key"/>: unpadded base64url of the SHA-256 of its DER
    /// SubjectPublicKeyInfo, as upstream computes it, so tokens look the same to tools that inspect them.
    /// </summary>
    public static string KeyId(RSA key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Base64Url.EncodeToString(SHA256.HashData(key.ExportSubjectPublicKeyInfo()));
    }
}
