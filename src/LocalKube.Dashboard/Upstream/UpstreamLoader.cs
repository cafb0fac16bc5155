using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.Exceptions;
using LocalKube.Core.Certificates;

namespace LocalKube.Dashboard.Upstream;

/// <summary>Finds the credentials the dashboard acts with: the profile's kubeconfig context, else the profile's own admin certificate.</summary>
public static class UpstreamLoader
{
    /// <summary>
    /// The kubeconfig context named <paramref name="context"/> (what <c>localkube kubectl</c> uses), so a user who
    /// points that context at a less privileged user gets a dashboard with that user's rights. Null when the file or
    /// the context does not exist.
    /// </summary>
    public static async Task<UpstreamEndpoint?> FromKubeconfigAsync(string path, string context, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var text = await File.ReadAllTextAsync(path, cancellationToken);
        switch (SimpleKubeconfig.Read(text, context, Path.GetDirectoryName(Path.GetFullPath(path))!))
        {
            case { Missing: true }:
                return null;
            case { Endpoint: { } endpoint }:
                return endpoint;
        }

        // Exec plugins, auth providers and the like: the client library knows them all (it costs ~10 MB more).
        try
        {
            var file = await KubernetesClientConfiguration.LoadKubeConfigAsync(new FileInfo(path));
            if (file.Contexts?.Any(c => c.Name == context) != true)
            {
                return null;
            }

            var config = KubernetesClientConfiguration.BuildConfigFromConfigObject(file, context);
            var certificate = ClientCertificate(config);
            var token = config.AccessToken;
            if (string.IsNullOrEmpty(token) && config.TokenProvider is not null)
            {
                token = (await config.TokenProvider.GetAuthenticationHeaderAsync(cancellationToken)).Parameter;
            }

            var cas = new X509Certificate2Collection();
            foreach (var ca in config.SslCaCerts ?? [])
            {
                cas.Add(ca);
            }

            return new UpstreamEndpoint(new Uri(config.Host), cas, certificate, token, config.SkipTlsVerify);
        }
        catch (KubeConfigException)
        {
            return null;
        }
    }

    private static X509Certificate2? ClientCertificate(KubernetesClientConfiguration config)
    {
        static string? Read(string? data, string? file) =>
            !string.IsNullOrEmpty(data) ? Encoding.UTF8.GetString(Convert.FromBase64String(data))
            : !string.IsNullOrEmpty(file) ? File.ReadAllText(file)
            : null;

        var certificate = Read(config.ClientCertificateData, config.ClientCertificateFilePath);
        var key = Read(config.ClientCertificateKeyData, config.ClientKeyFilePath);
        return certificate is null || key is null ? null : X509Certificate2.CreateFromPem(certificate, key);
    }

    /// <summary>The profile's admin certificate and CA (<c>profiles/&lt;p&gt;/certs</c>), for the API server on 127.0.0.1:<paramref name="port"/>.</summary>
    public static UpstreamEndpoint FromProfileCertificates(string certsDirectory, int port)
    {
        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(certsDirectory, PkiFileNames.CaCertificate)));
        var admin = X509Certificate2.CreateFromPemFile(
            Path.Combine(certsDirectory, PkiFileNames.AdminCertificate), Path.Combine(certsDirectory, PkiFileNames.AdminKey));
        return new UpstreamEndpoint(new Uri($"https://127.0.0.1:{port}"), [ca], admin, null);
    }
}
