namespace LocalKube.Core.Certificates;

/// <summary>A profile's certificates and keys after <see cref="Pki.EnsureAsync"/>.</summary>
/// <param name="Directory">The profile's certificate folder.</param>
/// <param name="CaCertificate">The cluster CA (kubeconfig <c>certificate-authority-data</c>).</param>
/// <param name="ApiServerCertificate">The API server's serving certificate.</param>
/// <param name="ApiServerKey">The API server's key.</param>
/// <param name="AdminCertificate">The admin client certificate (kubeconfig <c>client-certificate-data</c>).</param>
/// <param name="AdminKey">The admin client key (kubeconfig <c>client-key-data</c>).</param>
/// <param name="ServiceAccountKey">The service-account signing key.</param>
/// <param name="ServiceAccountPublicKey">The service-account verification key.</param>
/// <param name="Issued">What this call (re)issued and why; empty when everything was reused.</param>
public sealed record ProfileCertificates(
    string Directory,
    PemFile CaCertificate,
    PemFile ApiServerCertificate,
    PemFile ApiServerKey,
    PemFile AdminCertificate,
    PemFile AdminKey,
    PemFile ServiceAccountKey,
    PemFile ServiceAccountPublicKey,
    IReadOnlyList<string> Issued)
{
    /// <summary>The node components' client certificates (kubelet, scheduler, controller manager, proxy).</summary>
    public IReadOnlyList<ComponentCertificate> Components { get; init; } = [];

    /// <summary>
    /// The files the node agent needs in its <c>--cert-dir</c> (for <c>AgentLaunch.Files</c>). Never includes the CA
    /// key or the admin credentials: a compromised node must not be able to mint certificates or act as admin.
    /// The components' client certificates go along: each component talks to the API server as itself.
    /// </summary>
    public IReadOnlyDictionary<string, byte[]> GetNodeFiles()
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [PkiFileNames.CaCertificate] = CaCertificate.ToBytes(),
            [PkiFileNames.ApiServerCertificate] = ApiServerCertificate.ToBytes(),
            [PkiFileNames.ApiServerKey] = ApiServerKey.ToBytes(),
            [PkiFileNames.ServiceAccountKey] = ServiceAccountKey.ToBytes(),
            [PkiFileNames.ServiceAccountPublicKey] = ServiceAccountPublicKey.ToBytes(),
        };
        foreach (var component in Components)
        {
            files[component.Identity.CertificateFile] = component.Certificate.ToBytes();
            files[component.Identity.KeyFile] = component.Key.ToBytes();
        }

        return files;
    }
}
