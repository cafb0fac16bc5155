namespace LocalKube.Core.Kubeconfig;

/// <summary>What <see cref="KubeconfigStore.UpdateAsync"/> writes for a profile: a cluster, a user and a context, all named after it.</summary>
/// <param name="Profile">The profile; names the cluster, user and context.</param>
/// <param name="Server">The API server URL reachable from the host (<c>https://127.0.0.1:PORT</c>).</param>
/// <param name="CertificateAuthorityPem">The cluster CA certificate (PEM).</param>
/// <param name="ClientCertificatePem">The admin client certificate (PEM).</param>
/// <param name="ClientKeyPem">The admin client key (PEM).</param>
/// <param name="KeepContext">When true, leave <c>current-context</c> as it is.</param>
public sealed record KubeconfigEntry(
    string Profile,
    Uri Server,
    string CertificateAuthorityPem,
    string ClientCertificatePem,
    string ClientKeyPem,
    bool KeepContext);
