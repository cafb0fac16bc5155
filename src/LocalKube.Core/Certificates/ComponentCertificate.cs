using LocalKube.Abstractions.Node;

namespace LocalKube.Core.Certificates;

/// <summary>One node component's client certificate and key, as issued by <see cref="Pki.EnsureAsync(string, string, IEnumerable{string}, CancellationToken)"/>.</summary>
/// <param name="Identity">Who the certificate names.</param>
/// <param name="Certificate">The certificate (CN = user, O = group).</param>
/// <param name="Key">Its private key.</param>
public sealed record ComponentCertificate(ComponentIdentity Identity, PemFile Certificate, PemFile Key);
