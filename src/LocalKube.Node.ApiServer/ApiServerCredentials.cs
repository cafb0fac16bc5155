using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LocalKube.Node.ApiServer;

/// <summary>
/// The PEM files of <c>--cert-dir</c> (docs/design.md): ca.crt, apiserver.crt + apiserver.key, sa.key (PKCS#8)
/// and sa.pub (SPKI). Loaded once when the API server starts; a missing or broken file fails the component with
/// its path in the message.
/// </summary>
public sealed class ApiServerCredentials : IDisposable
{
    private ApiServerCredentials(X509Certificate2 ca, X509Certificate2 serving, RSA saPublic, RSA? saPrivate)
    {
        ClientCa = ca;
        ServingCertificate = serving;
        ServiceAccountPublicKey = saPublic;
        ServiceAccountSigningKey = saPrivate;
    }

    /// <summary>The CA that client certificates must chain to.</summary>
    public X509Certificate2 ClientCa { get; }

    /// <summary>The serving certificate with its private key.</summary>
    public X509Certificate2 ServingCertificate { get; }

    /// <summary>Verifies service-account tokens.</summary>
    public RSA ServiceAccountPublicKey { get; }

    /// <summary>Signs service-account tokens; null when sa.key is absent (tokens can then only be verified).</summary>
    public RSA? ServiceAccountSigningKey { get; }

    /// <summary>Loads the credentials from <paramref name="certDir"/>.</summary>
    /// <exception cref="InvalidOperationException">A file is missing or unreadable; the message names it.</exception>
    public static async Task<ApiServerCredentials> LoadAsync(string certDir, CancellationToken cancellationToken)
    {
        var ca = X509Certificate2.CreateFromPem(await ReadAsync(certDir, "ca.crt", cancellationToken));
        var certPem = await ReadAsync(certDir, "apiserver.crt", cancellationToken);
        var keyPem = await ReadAsync(certDir, "apiserver.key", cancellationToken);
        var serving = Load("apiserver.crt/apiserver.key", () => X509Certificate2.CreateFromPem(certPem, keyPem));
        var saPublic = ImportRsa("sa.pub", await ReadAsync(certDir, "sa.pub", cancellationToken));
        RSA? saPrivate = null;
        if (File.Exists(Path.Combine(certDir, "sa.key")))
        {
            saPrivate = ImportRsa("sa.key", await ReadAsync(certDir, "sa.key", cancellationToken));
        }

        return new ApiServerCredentials(ca, serving, saPublic, saPrivate);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        ClientCa.Dispose();
        ServingCertificate.Dispose();
        ServiceAccountPublicKey.Dispose();
        ServiceAccountSigningKey?.Dispose();
    }

    private static async Task<string> ReadAsync(string certDir, string file, CancellationToken cancellationToken)
    {
        var path = Path.Combine(certDir, file);
        try
        {
            return await File.ReadAllTextAsync(path, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"cannot read {path}: {e.Message}", e);
        }
    }

    private static RSA ImportRsa(string file, string pem) => Load(file, () =>
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        return rsa;
    });

    private static T Load<T>(string what, Func<T> load)
    {
        try
        {
            return load();
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new InvalidOperationException($"invalid {what} in the certificate folder: {e.Message}", e);
        }
    }
}
