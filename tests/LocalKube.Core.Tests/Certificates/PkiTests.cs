using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using LocalKube.Core.Certificates;
using LocalKube.Core.Paths;
using LocalKube.Core.Tests.Support;
using LocalKube.Testing;

namespace LocalKube.Core.Tests.Certificates;

[TestFixture]
public sealed class PkiTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private TempDirectory _temp = null!;
    private LocalKubePaths _paths = null!;
    private ManualTimeProvider _clock = null!;
    private Pki _pki = null!;

    [SetUp]
    public void SetUp()
    {
        _temp = new TempDirectory();
        _paths = new LocalKubePaths(_temp.Combine("home"));
        _clock = new ManualTimeProvider(T0);
        _pki = new Pki(_paths, _clock);
    }

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private Task<ProfileCertificates> EnsureAsync(params string[] addresses) =>
        _pki.EnsureAsync("dev", addresses, CancellationToken.None);

    private static X509Certificate2 Load(PemFile file) => X509Certificate2.CreateFromPem(file.Pem);

    [Test]
    public async Task Ensure_Fresh_WritesEveryFileWithTheRightModes()
    {
        UnixMode.RequireUnix();
        var result = await EnsureAsync("192.168.49.2");
        var dir = _paths.CertsDirectory("dev");
        Assert.Multiple(() =>
        {
            Assert.That(result.Directory, Is.EqualTo(dir));
            Assert.That(UnixMode.Of(dir), Is.EqualTo("700"));
            foreach (var key in new[] { "ca.key", "apiserver.key", "admin.key", "sa.key", "kubelet.key", "kube-scheduler.key", "kube-controller-manager.key", "kube-proxy.key", "apiserver-kubelet-client.key", "kubelet-server.key" })
            {
                Assert.That(UnixMode.Of(Path.Combine(dir, key)), Is.EqualTo("600"), key);
            }

            foreach (var cert in new[] { "ca.crt", "apiserver.crt", "admin.crt", "sa.pub", "kubelet.crt", "kube-scheduler.crt", "kube-controller-manager.crt", "kube-proxy.crt", "apiserver-kubelet-client.crt", "kubelet-server.crt" })
            {
                Assert.That(UnixMode.Of(Path.Combine(dir, cert)), Is.EqualTo("644"), cert);
            }

            Assert.That(Directory.GetFiles(dir), Has.Length.EqualTo(20), "no temp files left");
            Assert.That(result.Issued, Has.Count.EqualTo(11), "one entry per certificate+key pair");
        });
    }

    [Test]
    public async Task Ca_IsATenYearSelfSignedCaWithCertSignUsage()
    {
        using var ca = Load((await EnsureAsync()).CaCertificate);
        var constraints = ca.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        var usage = ca.Extensions.OfType<X509KeyUsageExtension>().Single();
        Assert.Multiple(() =>
        {
            Assert.That(ca.Subject, Is.EqualTo("CN=localkubeCA"));
            Assert.That(ca.Issuer, Is.EqualTo(ca.Subject));
            Assert.That(constraints.CertificateAuthority, Is.True);
            Assert.That(constraints.Critical, Is.True);
            Assert.That(usage.KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign), Is.True);
            Assert.That(usage.KeyUsages.HasFlag(X509KeyUsageFlags.CrlSign), Is.True);
            Assert.That(ca.Extensions.OfType<X509SubjectKeyIdentifierExtension>(), Is.Not.Empty);
            Assert.That(new DateTimeOffset(ca.NotAfter), Is.EqualTo(T0 + TimeSpan.FromDays(3650)).Within(TimeSpan.FromSeconds(1)));
            Assert.That(new DateTimeOffset(ca.NotBefore), Is.LessThanOrEqualTo(T0));
        });
    }

    [Test]
    public async Task ApiServer_HasServerAuthThreeYearsAndEveryRequiredSan()
    {
        using var cert = Load((await EnsureAsync("192.168.49.2", "dev-m02")).ApiServerCertificate);
        var san = cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        var eku = cert.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value);
        Assert.Multiple(() =>
        {
            Assert.That(cert.GetNameInfo(X509NameType.SimpleName, false), Is.EqualTo("localkube"));
            Assert.That(eku, Is.EqualTo(new[] { "1.3.6.1.5.5.7.3.1" }));
            Assert.That(cert.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority, Is.False);
            Assert.That(new DateTimeOffset(cert.NotAfter), Is.EqualTo(T0 + TimeSpan.FromDays(3 * 365)).Within(TimeSpan.FromSeconds(1)));
            Assert.That(san.EnumerateDnsNames(), Is.SupersetOf(new[]
            {
                "localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local", "dev", "dev-m02",
            }));
            Assert.That(san.EnumerateIPAddresses(), Is.SupersetOf(new[]
            {
                IPAddress.Parse("127.0.0.1"), IPAddress.Parse("10.96.0.1"), IPAddress.Parse("192.168.49.2"),
            }));
        });
    }

    [Test]
    public async Task Admin_IsAClientCertInSystemMasters()
    {
        using var cert = Load((await EnsureAsync()).AdminCertificate);
        var eku = cert.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value);
        Assert.Multiple(() =>
        {
            Assert.That(cert.GetNameInfo(X509NameType.SimpleName, false), Is.EqualTo("localkube-admin"));
            Assert.That(cert.Subject, Does.Contain("O=system:masters"));
            Assert.That(eku, Is.EqualTo(new[] { "1.3.6.1.5.5.7.3.2" }));
        });
    }

    [Test]
    public async Task Leaves_ChainToTheCaWithCustomTrust()
    {
        var result = await EnsureAsync();
        using var ca = Load(result.CaCertificate);
        foreach (var leafFile in new[] { result.ApiServerCertificate, result.AdminCertificate })
        {
            using var leaf = Load(leafFile);
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.VerificationTime = T0.UtcDateTime.AddDays(1);
            Assert.That(chain.Build(leaf), Is.True, string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
        }
    }

    [Test]
    public async Task KeysMatchCertificatesAndServiceAccountKeyIsRsa2048Pkcs8()
    {
        var result = await EnsureAsync();
        using var apiServer = X509Certificate2.CreateFromPem(result.ApiServerCertificate.Pem, result.ApiServerKey.Pem);
        using var admin = X509Certificate2.CreateFromPem(result.AdminCertificate.Pem, result.AdminKey.Pem);
        using var sa = RSA.Create();
        sa.ImportFromPem(result.ServiceAccountKey.Pem);
        using var saPub = RSA.Create();
        saPub.ImportFromPem(result.ServiceAccountPublicKey.Pem);
        Assert.Multiple(() =>
        {
            Assert.That(apiServer.HasPrivateKey && admin.HasPrivateKey, Is.True);
            Assert.That(result.ServiceAccountKey.Pem, Does.StartWith("-----BEGIN PRIVATE KEY-----"));
            Assert.That(result.ServiceAccountPublicKey.Pem, Does.StartWith("-----BEGIN PUBLIC KEY-----"));
            Assert.That(sa.KeySize, Is.EqualTo(2048));
            Assert.That(saPub.ExportSubjectPublicKeyInfo(), Is.EqualTo(sa.ExportSubjectPublicKeyInfo()));
        });
    }

    [Test]
    public async Task Ensure_Twice_ReusesEverything()
    {
        var first = await EnsureAsync("192.168.49.2");
        _clock.Advance(TimeSpan.FromDays(100));
        var second = await EnsureAsync("192.168.49.2");
        Assert.Multiple(() =>
        {
            Assert.That(second.Issued, Is.Empty);
            Assert.That(Thumbprint(second.CaCertificate), Is.EqualTo(Thumbprint(first.CaCertificate)));
            Assert.That(Thumbprint(second.ApiServerCertificate), Is.EqualTo(Thumbprint(first.ApiServerCertificate)));
            Assert.That(Thumbprint(second.AdminCertificate), Is.EqualTo(Thumbprint(first.AdminCertificate)));
            Assert.That(second.ServiceAccountKey.Pem, Is.EqualTo(first.ServiceAccountKey.Pem));
        });
    }

    [Test]
    public async Task Ensure_NewAddress_ReissuesOnlyTheApiServerCert()
    {
        var first = await EnsureAsync("192.168.49.2");
        var second = await EnsureAsync("192.168.49.2", "10.0.0.7");
        using var cert = Load(second.ApiServerCertificate);
        Assert.Multiple(() =>
        {
            // The kubelet's serving certificate names the node's addresses too.
            Assert.That(second.Issued, Has.Count.EqualTo(2).And.Some.Contains("10.0.0.7"));
            Assert.That(second.Issued, Has.Some.StartWith("apiserver.crt").And.Some.StartWith("kubelet-server.crt"));
            Assert.That(Thumbprint(second.ApiServerCertificate), Is.Not.EqualTo(Thumbprint(first.ApiServerCertificate)));
            Assert.That(Thumbprint(second.AdminCertificate), Is.EqualTo(Thumbprint(first.AdminCertificate)));
            Assert.That(Thumbprint(second.CaCertificate), Is.EqualTo(Thumbprint(first.CaCertificate)));
            Assert.That(cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateIPAddresses(), Does.Contain(IPAddress.Parse("10.0.0.7")));
        });
    }

    [Test]
    public async Task Ensure_LeafNearExpiry_ReissuesLeavesButKeepsTheCa()
    {
        var first = await EnsureAsync();
        _clock.Advance(TimeSpan.FromDays(3 * 365) - TimeSpan.FromDays(10));
        var second = await EnsureAsync();
        Assert.Multiple(() =>
        {
            Assert.That(Thumbprint(second.CaCertificate), Is.EqualTo(Thumbprint(first.CaCertificate)));
            Assert.That(Thumbprint(second.ApiServerCertificate), Is.Not.EqualTo(Thumbprint(first.ApiServerCertificate)));
            Assert.That(Thumbprint(second.AdminCertificate), Is.Not.EqualTo(Thumbprint(first.AdminCertificate)));
            Assert.That(second.ServiceAccountKey.Pem, Is.EqualTo(first.ServiceAccountKey.Pem), "tokens stay valid");
        });
    }

    [Test]
    public async Task Ensure_CaNearExpiry_ReissuesCaAndEveryLeaf()
    {
        var first = await EnsureAsync();
        _clock.Advance(TimeSpan.FromDays(3650) - TimeSpan.FromDays(5));
        var second = await EnsureAsync();
        using var ca = Load(second.CaCertificate);
        using var leaf = Load(second.ApiServerCertificate);
        Assert.Multiple(() =>
        {
            Assert.That(Thumbprint(second.CaCertificate), Is.Not.EqualTo(Thumbprint(first.CaCertificate)));
            Assert.That(leaf.Issuer, Is.EqualTo(ca.Subject));
            Assert.That(Thumbprint(second.AdminCertificate), Is.Not.EqualTo(Thumbprint(first.AdminCertificate)));
            Assert.That(second.ServiceAccountKey.Pem, Is.EqualTo(first.ServiceAccountKey.Pem));
        });
    }

    [Test]
    public async Task Ensure_LeafFromAnotherCa_IsReissued()
    {
        await EnsureAsync();
        // Swap in a CA the leaves were not signed by, as if ca.crt/ca.key were replaced by hand.
        var other = new Pki(new LocalKubePaths(_temp.Combine("other")), _clock);
        var foreign = await other.EnsureAsync("dev", [], CancellationToken.None);
        var dir = _paths.CertsDirectory("dev");
        File.Copy(foreign.CaCertificate.Path, Path.Combine(dir, "ca.crt"), overwrite: true);
        File.Copy(Path.Combine(foreign.Directory, "ca.key"), Path.Combine(dir, "ca.key"), overwrite: true);

        var result = await EnsureAsync();
        Assert.That(result.Issued, Has.Some.Contains("not signed by the current CA"));
        Assert.That(result.Issued, Has.Count.EqualTo(8), "the API server, admin, five component certificates and the kubelet's serving one");
    }

    [Test]
    public async Task Ensure_MismatchedKey_IsReissued()
    {
        var first = await EnsureAsync();
        File.Copy(first.AdminKey.Path, first.ApiServerKey.Path, overwrite: true);
        var second = await EnsureAsync();
        Assert.That(second.Issued, Has.Count.EqualTo(1).And.Some.StartWith("apiserver.crt"));
        Assert.DoesNotThrow(() => X509Certificate2.CreateFromPem(second.ApiServerCertificate.Pem, second.ApiServerKey.Pem).Dispose());
    }

    [Test]
    public async Task Ensure_MissingSaPub_IsRewrittenFromTheKey()
    {
        var first = await EnsureAsync();
        File.Delete(first.ServiceAccountPublicKey.Path);
        var second = await EnsureAsync();
        Assert.Multiple(() =>
        {
            Assert.That(second.Issued, Is.EqualTo(new[] { "sa.pub: missing" }));
            Assert.That(second.ServiceAccountPublicKey.Pem, Is.EqualTo(first.ServiceAccountPublicKey.Pem));
        });
    }

    [Test]
    public async Task NodeFiles_HoldWhatTheAgentNeedsAndNoCaOrAdminSecrets()
    {
        var files = (await EnsureAsync()).GetNodeFiles();
        Assert.That(files.Keys, Is.EquivalentTo(new[]
        {
            "ca.crt", "apiserver.crt", "apiserver.key", "sa.key", "sa.pub",
            "kubelet.crt", "kubelet.key", "kube-scheduler.crt", "kube-scheduler.key",
            "kube-controller-manager.crt", "kube-controller-manager.key", "kube-proxy.crt", "kube-proxy.key",
            "apiserver-kubelet-client.crt", "apiserver-kubelet-client.key", "kubelet-server.crt", "kubelet-server.key",
        }));
    }

    [Test]
    public async Task Components_get_one_client_certificate_each_and_an_existing_profile_gets_the_missing_ones()
    {
        var first = await _pki.EnsureAsync("dev", "dev-node", [], CancellationToken.None);
        Assert.That(first.Components.Select(c => c.Identity.UserName), Is.EqualTo(new[]
        {
            "system:node:dev-node", "system:kube-scheduler", "system:kube-controller-manager", "system:kube-proxy",
            "kube-apiserver-kubelet-client", "system:node:dev-node",
        }));
        using (var kubelet = Load(first.Components[0].Certificate))
        {
            Assert.That(kubelet.Subject, Is.EqualTo("O=system:nodes, CN=system:node:dev-node"));
        }

        // A profile made before component certificates existed: only what is missing is issued.
        File.Delete(Path.Combine(first.Directory, "kube-proxy.crt"));
        var second = await _pki.EnsureAsync("dev", "dev-node", [], CancellationToken.None);
        Assert.That(second.Issued, Is.EqualTo(new[] { "kube-proxy.crt: missing" }).Or.Count.EqualTo(1));

        // A renamed node gets new kubelet certificates (client and serving), nothing else.
        var renamed = await _pki.EnsureAsync("dev", "other-node", [], CancellationToken.None);
        Assert.That(renamed.Issued, Has.Count.EqualTo(2).And.Some.StartWith("kubelet.crt").And.Some.StartWith("kubelet-server.crt"));
    }

    [Test]
    public void Ensure_Cancelled_Throws()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.That(async () => await _pki.EnsureAsync("dev", [], cts.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    private static string Thumbprint(PemFile file)
    {
        using var cert = Load(file);
        return cert.Thumbprint;
    }
}
