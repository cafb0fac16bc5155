using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using LocalKube.Dashboard.Upstream;

namespace LocalKube.Dashboard.Tests.Unit;

[TestFixture]
[Category("Unit")]
public sealed class SimpleKubeconfigTests
{
    [Test]
    public void ReadsTheProfilesContext_WithInlineCaAndClientCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var cert = new CertificateRequest("CN=admin", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
        string B64(string pem) => Convert.ToBase64String(Encoding.ASCII.GetBytes(pem));
        var yaml = $"""
            apiVersion: v1
            kind: Config
            current-context: other
            clusters:
            - name: other
              cluster:
                server: https://10.0.0.1:6443
            - name: dev
              cluster:
                server: https://127.0.0.1:38443
                certificate-authority-data: {B64(cert.ExportCertificatePem())}
            users:
            - name: dev
              user:
                client-certificate-data: {B64(cert.ExportCertificatePem())}
                client-key-data: {B64(key.ExportPkcs8PrivateKeyPem())}
            contexts:
            - name: dev
              context:
                cluster: dev
                user: dev
            """;
        var result = SimpleKubeconfig.Read(yaml, "dev", "/");
        Assert.That(result.Missing, Is.False);
        using var endpoint = result.Endpoint!;
        Assert.That(endpoint.Server, Is.EqualTo(new Uri("https://127.0.0.1:38443")));
        Assert.That(endpoint.TrustedCa, Has.Count.EqualTo(1));
        Assert.That(endpoint.ClientCertificate?.HasPrivateKey, Is.True);
        Assert.That(endpoint.BearerToken, Is.Null);
    }

    [Test]
    public void TokenUser_IsRead()
    {
        var result = SimpleKubeconfig.Read("""
            clusters: [{name: c, cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}}]
            users: [{name: u, user: {token: abc}}]
            contexts: [{name: x, context: {cluster: c, user: u}}]
            """, "x", "/");
        Assert.That(result.Endpoint?.BearerToken, Is.EqualTo("abc"));
        Assert.That(result.Endpoint?.SkipTlsVerify, Is.True);
    }

    [Test]
    public void MissingContext_IsMissing() =>
        Assert.That(SimpleKubeconfig.Read("contexts: [{name: a, context: {cluster: c}}]", "b", "/").Missing, Is.True);

    [Test]
    public void ExecPlugins_AreLeftToTheFullLoader()
    {
        var result = SimpleKubeconfig.Read("""
            clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
            users: [{name: u, user: {exec: {command: aws, apiVersion: client.authentication.k8s.io/v1}}}]
            contexts: [{name: x, context: {cluster: c, user: u}}]
            """, "x", "/");
        Assert.That(result.Missing, Is.False);
        Assert.That(result.Endpoint, Is.Null);
    }
}
