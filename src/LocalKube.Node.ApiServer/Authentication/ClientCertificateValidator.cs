using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LocalKube.Node.ApiServer.Authentication;

/// <summary>
/// Validates client certificates against the cluster CA only (custom root trust, no system roots, no revocation or
/// downloads) and maps subject CN to the user name and each O to a group, like the upstream x509 authenticator.
/// </summary>
public sealed class ClientCertificateValidator
{
    private const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";
    private const string CommonNameOid = "2.5.4.3";
    private const string OrganizationOid = "2.5.4.10";
    private const int MaxCacheEntries = 1024;

    private readonly X509Certificate2 _ca;
    private readonly TimeProvider _time;

    // Chain building costs far more than a request; a certificate is re-validated only after a cache flush.
    private readonly ConcurrentDictionary<string, (KubeUser User, DateTimeOffset NotAfter)> _cache = new(StringComparer.Ordinal);

    /// <summary>Trusts <paramref name="ca"/> (ca.crt) and nothing else.</summary>
    public ClientCertificateValidator(X509Certificate2 ca, TimeProvider? time = null)
    {
        _ca = ca ?? throw new ArgumentNullException(nameof(ca));
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Validates <paramref name="certificate"/>; on success returns its user (without implicit groups).</summary>
    public bool TryValidate(X509Certificate2 certificate, out KubeUser? user, out string? error)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var now = _time.GetUtcNow();
        var key = certificate.GetCertHashString(HashAlgorithmName.SHA256);
        if (_cache.TryGetValue(key, out var cached) && now < cached.NotAfter)
        {
            user = cached.User;
            error = null;
            return true;
        }

        if (!VerifyChain(certificate, now, out error))
        {
            user = null;
            return false;
        }

        string? name = null;
        var groups = new List<string>();
        foreach (var rdn in certificate.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            switch (rdn.GetSingleElementType().Value)
            {
                case CommonNameOid:
                    name ??= rdn.GetSingleElementValue();
                    break;
                case OrganizationOid when rdn.GetSingleElementValue() is { Length: > 0 } org:
                    groups.Add(org);
                    break;
            }
        }

        if (string.IsNullOrEmpty(name))
        {
            user = null;
            error = "client certificate has no common name";
            return false;
        }

        user = new KubeUser(name, groups);
        if (_cache.Count >= MaxCacheEntries)
        {
            _cache.Clear();
        }

        _cache[key] = (user, new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero));
        return true;
    }

    private bool VerifyChain(X509Certificate2 certificate, DateTimeOffset now, out string? error)
    {
        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.Add(_ca);
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.DisableCertificateDownloads = true;
        policy.VerificationTime = now.LocalDateTime;

        // Certificates without an EKU extension pass; ones with EKUs must allow client auth (as upstream).
        policy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid(ClientAuthOid));
        if (!chain.Build(certificate))
        {
            error = "client certificate not trusted: " + string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Distinct());
            return false;
        }

        // Defence in depth: the anchor must be our CA itself, not merely something the platform chained to.
        var root = chain.ChainElements[^1].Certificate;
        if (!root.RawDataMemory.Span.SequenceEqual(_ca.RawDataMemory.Span))
        {
            error = "client certificate does not chain to the cluster CA";
            return false;
        }

        error = null;
        return true;
    }
}
