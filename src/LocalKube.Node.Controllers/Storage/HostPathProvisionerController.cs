using k8s;
using k8s.Models;
using LocalKube.Node.Client.Cache;
using LocalKube.Node.Client.Clients;
using LocalKube.Node.Client.Controllers;
using LocalKube.Node.Client.Informers;
using LocalKube.Node.Controllers.PersistentVolume;
using LocalKube.Node.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LocalKube.Node.Controllers.Storage;

/// <summary>
/// minikube's storage-provisioner (<c>k8s.io/minikube-hostpath</c>), acting as <c>kube-system/storage-provisioner</c>:
/// for each claim the PV controller hands to it, a directory under the node's volume root and a hostPath PV
/// pre-bound to the claim (<c>ProvisioningSucceeded</c>); a Released volume it made with reclaim policy Delete loses
/// its directory and its PV object. The root is <c>/var/lib/localkube/pv</c> in an isolated node (it survives
/// stop/start) and <c>&lt;data-dir&gt;/pv</c> for the process driver.
/// </summary>
public sealed partial class HostPathProvisionerController : ControllerService
{
    /// <summary>The service account minikube's addon runs as (bound to <c>system:persistent-volume-provisioner</c>).</summary>
    public const string ControllerName = "storage-provisioner";

    /// <summary>The volume root of an isolated node.</summary>
    public const string IsolatedRoot = "/var/lib/localkube/pv";

    private const string ClaimPrefix = "claim:";
    private const string VolumePrefix = "volume:";

    private readonly ILister<V1PersistentVolumeClaim> _claims;
    private readonly ILister<V1PersistentVolume> _volumes;
    private readonly ILister<V1StorageClass> _classes;
    private readonly string _root;
    private readonly string _identity;

    /// <summary>Creates the provisioner for the agent's node.</summary>
    [ActivatorUtilitiesConstructor]
    public HostPathProvisionerController(ControllerContext context, IOptions<NodeAgentOptions> options)
        : this(context, RootFor((options ?? throw new ArgumentNullException(nameof(options))).Value), options.Value.NodeName)
    {
    }

    /// <summary>Creates the provisioner with volumes under <paramref name="root"/>, as instance <paramref name="identity"/>.</summary>
    public HostPathProvisionerController(ControllerContext context, string root, string identity)
        : base(context)
    {
        _root = root;
        _identity = identity;
        var claims = Watch<V1PersistentVolumeClaim>();
        claims.AddEventHandler(ResourceEventHandler<V1PersistentVolumeClaim>.ForAll(c => Queue.Add(ClaimPrefix + ObjectKeys.KeyOf(c))));
        _claims = claims.Lister;
        var volumes = Watch<V1PersistentVolume>();
        volumes.AddEventHandler(ResourceEventHandler<V1PersistentVolume>.ForAll(v => Queue.Add(VolumePrefix + v.Metadata.Name)));
        _volumes = volumes.Lister;
        _classes = Watch<V1StorageClass>().Lister;
    }

    /// <summary>Where the volumes of a node with these options live.</summary>
    public static string RootFor(NodeAgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.DataDir.StartsWith("/var/lib/localkube/", StringComparison.Ordinal) ? IsolatedRoot : Path.Combine(options.DataDir, "pv");
    }

    /// <inheritdoc />
    protected override Task<ReconcileResult> ReconcileAsync(string key, CancellationToken cancellationToken) =>
        key.StartsWith(ClaimPrefix, StringComparison.Ordinal)
            ? ProvisionAsync(key[ClaimPrefix.Length..], cancellationToken)
            : DeleteAsync(key[VolumePrefix.Length..], cancellationToken);

    private async Task<ReconcileResult> ProvisionAsync(string key, CancellationToken cancellationToken)
    {
        if (_claims.GetByKey(key) is not { } claim)
        {
            return ReconcileResult.Done;
        }

        var className = LocalKube.Node.Machinery.Volumes.VolumeMatcher.ClaimClass(claim);
        var storageClass = className.Length == 0 ? null : _classes.Get(null, className);
        if (!HostPathVolumes.ShouldProvision(claim, storageClass) || _volumes.Get(null, HostPathVolumes.VolumeName(claim)) is not null)
        {
            return ReconcileResult.Done;
        }

        var ns = claim.Metadata.NamespaceProperty;
        Recorder.Eventf(claim, null, "Normal", "Provisioning", "Provision", $"External provisioner is provisioning volume for claim \"{ns}/{claim.Metadata.Name}\"");
        var path = HostPathVolumes.PathFor(_root, claim);
        try
        {
            Directory.CreateDirectory(path);
            if (!OperatingSystem.IsWindows())
            {
                // Any container user may write its volume, as minikube's provisioner makes it.
                File.SetUnixFileMode(path, (UnixFileMode)0x1FF);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Recorder.Eventf(claim, null, "Warning", "ProvisioningFailed", "Provision", $"failed to provision volume with StorageClass \"{className}\": {e.Message}");
            throw;
        }

        var volume = HostPathVolumes.Build(claim, storageClass!, path, _identity);
        try
        {
            await Client.CoreV1.CreatePersistentVolumeAsync(volume, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (KubeErrors.IsAlreadyExists(e))
        {
            return ReconcileResult.Done;
        }

        Log.Provisioned(Logger, volume.Metadata.Name, ns, claim.Metadata.Name, path);
        Recorder.Eventf(claim, null, "Normal", "ProvisioningSucceeded", "Provision", $"Successfully provisioned volume {volume.Metadata.Name}");
        return ReconcileResult.Done;
    }

    private async Task<ReconcileResult> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        if (_volumes.Get(null, name) is not { } volume || !HostPathVolumes.ShouldDelete(volume, _identity))
        {
            return ReconcileResult.Done;
        }

        // Only ever a directory this provisioner made under its root.
        var path = volume.Spec?.HostPath?.Path;
        if (path is not null && Path.GetFullPath(path).StartsWith(Path.GetFullPath(_root) + Path.DirectorySeparatorChar, StringComparison.Ordinal) && Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }

        try
        {
            await Client.CoreV1.DeletePersistentVolumeAsync(name, new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = volume.Metadata.Uid } }, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (KubeErrors.IsNotFound(e))
        {
            // Gone already.
        }

        Log.Deleted(Logger, name, path ?? "");
        return ReconcileResult.Done;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Provisioned volume {Volume} for claim {Namespace}/{Claim} at {Path}")]
        public static partial void Provisioned(ILogger logger, string volume, string @namespace, string claim, string path);

        [LoggerMessage(2, LogLevel.Information, "Deleted released volume {Volume} ({Path})")]
        public static partial void Deleted(ILogger logger, string volume, string path);
    }
}
