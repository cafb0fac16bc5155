namespace LocalKube.Core.Certificates;

/// <summary>File names in a profile's certificate folder (and the node's <c>--cert-dir</c>).</summary>
public static class PkiFileNames
{
    /// <summary>The cluster CA certificate.</summary>
    public const string CaCertificate = "ca.crt";

    /// <summary>The cluster CA key. Never leaves the host.</summary>
    public const string CaKey = "ca.key";

    /// <summary>The API server's serving certificate.</summary>
    public const string ApiServerCertificate = "apiserver.crt";

    /// <summary>The API server's key.</summary>
    public const string ApiServerKey = "apiserver.key";

    /// <summary>The admin client certificate (kubeconfig user). Never leaves the host.</summary>
    public const string AdminCertificate = "admin.crt";

    /// <summary>The admin client key. Never leaves the host.</summary>
    public const string AdminKey = "admin.key";

    /// <summary>The service-account signing key (RSA, PKCS#8 PEM).</summary>
    public const string ServiceAccountKey = "sa.key";

    /// <summary>The service-account verification key (SPKI PEM).</summary>
    public const string ServiceAccountPublicKey = "sa.pub";
}
