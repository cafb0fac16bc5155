using System.Net;
using LocalKube.Core.IO;

namespace LocalKube.Core.Certificates;

public sealed partial class Pki
{
    /// <summary>The folder, under the profile's certificates, that <c>DOCKER_CERT_PATH</c> names.</summary>
    public const string EngineClientFolder = "docker";

    private static readonly LeafSpec EngineServer = new("docker-server", "localkube-docker", null, LeafSpec.ServerAuth,
        ["localhost"], [IPAddress.Loopback]);

    private static readonly LeafSpec EngineClient = new("docker-client", "localkube-docker-client", null, LeafSpec.ClientAuth, [], []);

    /// <summary>
    /// Certificates for the node's Docker Engine TLS endpoint (<c>docker-env</c>), issued by the profile CA: the
    /// server's (for 127.0.0.1, where the driver publishes it), and a client's, which is also written as the docker
    /// CLI expects it (<c>ca.pem</c>, <c>cert.pem</c>, <c>key.pem</c>) in <see cref="EngineCertificates.ClientDirectory"/>.
    /// </summary>
    public async Task<EngineCertificates> EnsureEngineAsync(string profile, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(profile);
        var directory = paths.EnsureDirectory(paths.CertsDirectory(profile));
        var now = timeProvider.GetUtcNow();
        var issued = new List<string>();
        using var ca = await EnsureCaAsync(directory, now, issued, cancellationToken);
        var caRenewed = issued.Count > 0;
        await EnsureLeafAsync(directory, EngineServer, ca, caRenewed, now, issued, cancellationToken);
        await EnsureLeafAsync(directory, EngineClient, ca, caRenewed, now, issued, cancellationToken);
        foreach (var what in issued)
        {
            Log.Issued(_logger, profile, what);
        }

        var caPem = await ReadAsync(directory, PkiFileNames.CaCertificate, cancellationToken);
        var client = Path.Combine(directory, EngineClientFolder);
        paths.EnsureDirectory(client);
        await WriteAsync(client, "ca.pem", caPem.Pem, AtomicFile.Public, cancellationToken);
        await WriteAsync(client, "cert.pem", (await ReadAsync(directory, EngineClient.CertificateFile, cancellationToken)).Pem, AtomicFile.Public, cancellationToken);
        await WriteAsync(client, "key.pem", (await ReadAsync(directory, EngineClient.KeyFile, cancellationToken)).Pem, AtomicFile.Private, cancellationToken);
        return new EngineCertificates(
            caPem,
            await ReadAsync(directory, EngineServer.CertificateFile, cancellationToken),
            await ReadAsync(directory, EngineServer.KeyFile, cancellationToken),
            client);
    }
}
