using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LocalKube.Core.Certificates;

/// <summary>Decides whether an existing certificate can be reused; each check returns why not, or null.</summary>
internal static class CertificateInspector
{
    /// <summary>Loads a certificate with its key; null when either is missing, unreadable or they do not match.</summary>
    public static X509Certificate2? TryLoad(string? certificatePem, string? keyPem, out string? problem)
    {
        if (certificatePem is null || keyPem is null)
        {
            problem = "missing";
            return null;
        }

        try
        {
            // Fails when the key does not belong to the certificate, which covers a crash between the two writes.
            problem = null;
            return X509Certificate2.CreateFromPem(certificatePem, keyPem);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            problem = $"unreadable ({e.Message})";
            return null;
        }
    }

    public static string? CheckExpiry(X509Certificate2 certificate, DateTimeOffset now, TimeSpan renewBefore)
    {
        var notAfter = new DateTimeOffset(certificate.NotAfter);
        return notAfter - now < renewBefore ? $"expires {notAfter:u}" : null;
    }

    public static string? CheckIssuedBy(X509Certificate2 leaf, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        // Expiry is checked separately against the injected clock.
        chain.ChainPolicy.VerificationTimeIgnored = true;
        var ok = chain.Build(leaf)
            && chain.ChainElements.Count == 2
            && chain.ChainElements[^1].Certificate.RawDataMemory.Span.SequenceEqual(ca.RawDataMemory.Span);
        return ok ? null : "not signed by the current CA";
    }

    public static string? CheckSubject(X509Certificate2 certificate, LeafSpec spec)
    {
        var commonName = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        if (!string.Equals(commonName, spec.CommonName, StringComparison.Ordinal))
        {
            return $"CN is '{commonName}', expected '{spec.CommonName}'";
        }

        if (spec.Organization is not null
            && !certificate.SubjectName.EnumerateRelativeDistinguishedNames().Any(r =>
                r.GetSingleElementType().Value == "2.5.4.10" && r.GetSingleElementValue() == spec.Organization))
        {
            return $"O is not '{spec.Organization}'";
        }

        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().SingleOrDefault()?.EnhancedKeyUsages;
        if (usages is null || !usages.Cast<Oid>().Any(o => o.Value == spec.Usage.Value))
        {
            return $"lacks the {spec.Usage.FriendlyName} usage";
        }

        return null;
    }

    public static string? CheckSubjectAlternativeNames(X509Certificate2 certificate, LeafSpec spec)
    {
        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().SingleOrDefault();
        var dns = san?.EnumerateDnsNames().ToHashSet(StringComparer.OrdinalIgnoreCase) ?? [];
        var ips = san?.EnumerateIPAddresses().ToHashSet() ?? new HashSet<IPAddress>();
        var missing = spec.DnsNames.Where(d => !dns.Contains(d))
            .Concat(spec.IpAddresses.Where(ip => !ips.Contains(ip)).Select(ip => ip.ToString()))
            .ToList();
        return missing.Count == 0 ? null : $"SANs lack {string.Join(", ", missing)}";
    }
}
