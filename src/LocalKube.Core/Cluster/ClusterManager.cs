using LocalKube.Abstractions.Drivers;
using LocalKube.Abstractions.Errors;
using LocalKube.Core.Assets;
using LocalKube.Core.Certificates;
using LocalKube.Core.Drivers;
using LocalKube.Core.Kubeconfig;
using LocalKube.Core.Paths;
using LocalKube.Core.Profiles;
using Microsoft.Extensions.Logging;

namespace LocalKube.Core.Cluster;

/// <summary>
/// The cluster lifecycle behind the CLI commands: start, stop, delete and the queries. It composes the profile store,
/// the PKI, the kubeconfig and a driver; it never writes to the console (see <see cref="IStepReporter"/>).
/// </summary>
public sealed partial class ClusterManager(
    LocalKubePaths paths,
    ProfileStore profiles,
    Pki pki,
    KubeconfigStore kubeconfig,
    DriverRegistry drivers,
    DriverSelector selector,
    AssetLocator assets,
    ILogger<ClusterManager> logger)
{
    /// <summary>The profile's config, or <see cref="Reasons.ProfileNotFound"/> (exit 85) like minikube's mustload.</summary>
    private async Task<ClusterConfig> LoadRequiredAsync(string profile, CancellationToken cancellationToken)
    {
        ProfileName.Validate(profile);
        return await profiles.LoadAsync(profile, cancellationToken)
            ?? throw new LocalKubeException(Reasons.ProfileNotFound,
                $"Profile \"{profile}\" not found. Run \"localkube profile list\" to view all profiles.");
    }

    /// <summary>The first node's machine. Multi-node adds one per <see cref="ClusterConfig.Nodes"/> entry.</summary>
    private MachineRef PrimaryMachine(string profile) =>
        new(profile, profile, paths.MachineDirectory(profile, profile));

    private IReadOnlyList<MachineRef> Machines(ClusterConfig config) =>
        config.Nodes.Count == 0
            ? [PrimaryMachine(config.Name)]
            : config.Nodes.Select(n => new MachineRef(config.Name, n.Machine, paths.MachineDirectory(config.Name, n.Machine))).ToList();

    /// <summary>A health probe that trusts exactly the API server certificate this profile issued.</summary>
    private static ApiServerProbe Probe(Uri server, ProfileCertificates certs) => new(server, certs.ApiServerCertificate.Pem);

    /// <summary>
    /// A probe from the certificate on disk, without <see cref="Pki.EnsureAsync"/>: queries must neither issue nor
    /// validate certificates (that costs a chain build), only read. Null when the profile has no certificate yet.
    /// </summary>
    private async Task<ApiServerProbe?> ProbeFromDiskAsync(string profile, Uri server, CancellationToken cancellationToken)
    {
        var path = Path.Combine(paths.CertsDirectory(profile), PkiFileNames.ApiServerCertificate);
        if (!File.Exists(path))
        {
            return null;
        }

        return new ApiServerProbe(server, await File.ReadAllTextAsync(path, cancellationToken));
    }

    private static partial class Log
    {
        // Next free EventId: 108.
        [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Starting profile {Profile} with driver {Driver}")]
        public static partial void Starting(ILogger logger, string profile, string driver);

        [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Machine {Machine} was {State}")]
        public static partial void MachineState(ILogger logger, string machine, MachineState state);

        [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Certificates for {Profile}: {Issued}")]
        public static partial void Certificates(ILogger logger, string profile, string issued);

        [LoggerMessage(EventId = 104, Level = LogLevel.Warning, Message = "Start of {Profile} failed; deleting it (--delete-on-failure)")]
        public static partial void DeletingAfterFailure(ILogger logger, string profile, Exception exception);

        [LoggerMessage(EventId = 105, Level = LogLevel.Debug, Message = "Driver {Driver} cannot purge {Profile}: {Error}")]
        public static partial void PurgeSkipped(ILogger logger, string driver, string profile, string error);

        [LoggerMessage(EventId = 106, Level = LogLevel.Information, Message = "Purged {Item}")]
        public static partial void Purged(ILogger logger, string item);

        [LoggerMessage(EventId = 107, Level = LogLevel.Debug, Message = "Status of {Profile}: host {Host}, agent {Agent}, ready {Ready}")]
        public static partial void Status(ILogger logger, string profile, MachineState host, bool agent, bool ready);
    }
}
