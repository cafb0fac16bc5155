using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using LocalKube.Abstractions.Node;

namespace LocalKube.Node.ApiServer.Proxy;

/// <summary>
/// The API server's HTTP clients for what it proxies to: the kubelets' API (HTTPS with the
/// <c>kube-apiserver-kubelet-client</c> certificate, the kubelet's serving certificate verified against the cluster
/// CA), and pods and services (plain HTTP, or HTTPS without verification as upstream's pod proxy).
/// </summary>
internal sealed class KubeletTransport : IDisposable
{
    private readonly X509Certificate2 _ca;
    private readonly X509Certificate2? _clientCertificate;

    private KubeletTransport(X509Certificate2 ca, X509Certificate2? clientCertificate)
    {
        _ca = ca;
        _clientCertificate = clientCertificate;
        Kubelet = new HttpMessageInvoker(Handler(ValidateKubelet, clientCertificate));
        Pods = new HttpMessageInvoker(Handler(static (_, _, _, _) => true, null));
    }

    /// <summary>The client for kubelets.</summary>
    public HttpMessageInvoker Kubelet { get; }

    /// <summary>The client for pods and service endpoints.</summary>
    public HttpMessageInvoker Pods { get; }

    /// <summary>Whether the kubelet client certificate is present (without it kubelets refuse the API server).</summary>
    public bool HasClientCertificate => _clientCertificate is not null;

    /// <summary>Loads the CA and the kubelet client certificate from <paramref name="certDir"/>.</summary>
    public static KubeletTransport Load(string certDir)
    {
        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(certDir, "ca.crt")));
        var identity = ComponentIdentity.ApiServerKubeletClient;
        var certificate = Path.Combine(certDir, identity.CertificateFile);
        var key = Path.Combine(certDir, identity.KeyFile);
        X509Certificate2? client = null;
        if (File.Exists(certificate) && File.Exists(key))
        {
            using var pem = X509Certificate2.CreateFromPemFile(certificate, key);

            // SslStream on Linux needs the key in an exportable, persisted form.
            client = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }

        return new KubeletTransport(ca, client);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Kubelet.Dispose();
        Pods.Dispose();
        _clientCertificate?.Dispose();
        _ca.Dispose();
    }

    private static SocketsHttpHandler Handler(RemoteCertificateValidationCallback validate, X509Certificate2? client) => new()
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(30),
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = validate,
            ClientCertificates = client is null ? null : [client],
            LocalCertificateSelectionCallback = client is null ? null : (_, _, _, _, _) => client,
        },
    };

    // The kubelet serves with a certificate of the cluster CA; the API server dials it by the node's address, which
    // a node's certificate may not name (a container IP picked at start), so the chain is what is checked.
    private bool ValidateKubelet(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            return false;
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var verify = new X509Chain();
        verify.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        verify.ChainPolicy.CustomTrustStore.Add(_ca);
        verify.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return verify.Build(leaf);
    }
}
