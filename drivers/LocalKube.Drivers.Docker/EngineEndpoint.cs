using System.Formats.Tar;
using System.Globalization;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using LocalKube.Abstractions.Drivers;

namespace LocalKube.Drivers.Docker;

/// <summary>
/// The node's inner dockerd as a TLS endpoint for the host's docker CLI (<c>docker-env</c>), as minikube's 2376:
/// dockerd also listens on the node's 2376 with <c>--tlsverify</c> (flags through LOCALKUBE_DOCKERD_ARGS, which the
/// image's localkube-init passes on), published on a free 127.0.0.1 port. The certificates sit on the node's /var
/// volume, written before the container first starts, since dockerd starts with it.
/// </summary>
internal static class EngineEndpoint
{
    public const int NodePort = 2376;

    private const string Directory = "/var/lib/localkube/engine-tls";

    public static string PortKey => $"{NodePort}/tcp";

    /// <summary>The environment variable that gives the inner dockerd its TLS listener.</summary>
    public static string DockerdArguments =>
        $"LOCALKUBE_DOCKERD_ARGS=--host=tcp://0.0.0.0:{NodePort} --tlsverify --tlscacert={Directory}/ca.pem --tlscert={Directory}/server.pem --tlskey={Directory}/server-key.pem";

    /// <summary>Writes the certificates into the (created, not yet started) container's /var volume.</summary>
    public static async Task WriteFilesAsync(IDockerClient client, string containerId, EngineTls tls, CancellationToken cancellationToken)
    {
        using var archive = new MemoryStream();
        using (var writer = new TarWriter(archive, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var folder in new[] { "localkube/", "localkube/engine-tls/" })
            {
                await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, folder) { Mode = (UnixFileMode)0b111_101_101 }, cancellationToken).ConfigureAwait(false);
            }

            await AddAsync(writer, "ca.pem", tls.CaCertificatePem, 0b110_100_100, cancellationToken).ConfigureAwait(false);
            await AddAsync(writer, "server.pem", tls.ServerCertificatePem, 0b110_100_100, cancellationToken).ConfigureAwait(false);
            await AddAsync(writer, "server-key.pem", tls.ServerKeyPem, 0b110_000_000, cancellationToken).ConfigureAwait(false);
        }

        archive.Position = 0;
        await client.Containers.ExtractArchiveToContainerAsync(containerId, new ContainerPathStatParameters { Path = "/var/lib" }, archive, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>The published host endpoint, or null when the container was created without one.</summary>
    public static Uri? Find(ContainerInspectResponse container) =>
        container.NetworkSettings?.Ports is { } ports && ports.TryGetValue(PortKey, out var bound)
        && bound?.FirstOrDefault(b => !string.IsNullOrEmpty(b.HostPort)) is { } binding
            ? new Uri($"tcp://127.0.0.1:{int.Parse(binding.HostPort, CultureInfo.InvariantCulture)}")
            : null;

    private static async Task AddAsync(TarWriter writer, string name, string content, int mode, CancellationToken cancellationToken)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, "localkube/engine-tls/" + name)
        {
            Mode = (UnixFileMode)mode,
            DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
        };
        await writer.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
    }
}
