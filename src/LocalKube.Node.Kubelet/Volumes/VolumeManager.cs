using System.Globalization;
using System.Text;
using k8s.Models;
using LocalKube.Node.Kubelet.Containers;
using LocalKube.Node.Kubelet.Runtime;
using LocalKube.Node.Machinery.Resources;

namespace LocalKube.Node.Kubelet.Volumes;

/// <summary>
/// Sets up a pod's volumes under <c>&lt;root&gt;/pods/&lt;uid&gt;/volumes/kubernetes.io~&lt;plugin&gt;/&lt;name&gt;</c>
/// (node-reference §5): emptyDir (a tmpfs for <c>medium: Memory</c>), hostPath with its type checks, PVCs bound to
/// hostPath PVs, and configMap, secret, downwardAPI and projected volumes (service account tokens included) written
/// with the atomic <c>..data</c> layout; secret, projected and downwardAPI volumes are tmpfs. Called on every sync, so
/// changed ConfigMaps and Secrets appear within a sync period.
/// </summary>
internal sealed partial class VolumeManager(IKubeletApi api, TokenManager tokens, KubeletOptions options, TimeProvider time)
{
    private const int DefaultMode = 420;

    /// <summary>The pod's folder.</summary>
    public string PodDirectory(string uid) => Path.Combine(options.RootDirectory, "pods", uid);

    /// <summary>Sets up (or refreshes) every volume of <paramref name="pod"/>.</summary>
    /// <exception cref="VolumeSetupException">A volume cannot be set up; the message names what is missing.</exception>
    public async Task<IReadOnlyDictionary<string, MountedVolume>> SetUpAsync(V1Pod pod, IReadOnlyList<string> podIps, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var result = new Dictionary<string, MountedVolume>(StringComparer.Ordinal);
        foreach (var volume in pod.Spec?.Volumes ?? [])
        {
            result[volume.Name] = await SetUpAsync(pod, volume, podIps, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>Unmounts the pod's tmpfs volumes (its files stay until the pod is removed).</summary>
    public void TearDown(string uid)
    {
        if (!options.MaterializeFiles)
        {
            return;
        }

        var volumes = Path.Combine(PodDirectory(uid), "volumes");
        foreach (var mount in Mounts.Under(volumes))
        {
            Native.LibC.Unmount(mount);
        }
    }

    /// <summary>Removes everything of a pod that is gone.</summary>
    public void RemovePod(string uid)
    {
        TearDown(uid);
        tokens.Forget(uid);
        var dir = PodDirectory(uid);
        if (options.MaterializeFiles && Directory.Exists(dir) && Mounts.Under(dir).Count == 0)
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Tried again at the next cleanup.
            }
        }
    }

    /// <summary>
    /// The bind mounts of <paramref name="container"/>'s volumeMounts: subPath (and subPathExpr, expanded with the
    /// container's environment) is a relative path inside the volume, created as a folder when missing.
    /// </summary>
    /// <exception cref="ContainerConfigException">A mount names a missing volume or an invalid subPath.</exception>
    public List<MountSpec> MountsFor(V1Container container, IReadOnlyDictionary<string, MountedVolume> volumes, IReadOnlyList<KeyValuePair<string, string>> env)
    {
        ArgumentNullException.ThrowIfNull(container);
        var mounts = new List<MountSpec>();
        foreach (var mount in container.VolumeMounts ?? [])
        {
            if (!volumes.TryGetValue(mount.Name, out var volume))
            {
                throw new ContainerConfigException($"cannot find volume \"{mount.Name}\" to mount into container \"{container.Name}\"");
            }

            var hostPath = volume.HostPath;
            var subPath = mount.SubPath;
            if (!string.IsNullOrEmpty(mount.SubPathExpr))
            {
                var map = env.GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal);
                subPath = VariableExpansion.Expand(mount.SubPathExpr, VariableExpansion.LookupIn(map));
            }

            if (!string.IsNullOrEmpty(subPath))
            {
                if (Path.IsPathRooted(subPath) || subPath.Split('/').Contains(".."))
                {
                    throw new ContainerConfigException($"failed to prepare subPath for volumeMount \"{mount.Name}\" of container \"{container.Name}\": subPath \"{subPath}\" must be a relative path without \"..\"");
                }

                hostPath = Path.Combine(volume.HostPath, subPath);
                if (options.MaterializeFiles && !File.Exists(hostPath) && !Directory.Exists(hostPath))
                {
                    Directory.CreateDirectory(hostPath);
                }
            }

            var propagation = mount.MountPropagation switch
            {
                "Bidirectional" => "rshared",
                "HostToContainer" => "rslave",
                _ => "private",
            };
            mounts.Add(new MountSpec(hostPath, mount.MountPath, mount.ReadOnlyProperty == true || volume.ReadOnly, propagation));
        }

        return mounts;
    }

    private async Task<MountedVolume> SetUpAsync(V1Pod pod, V1Volume volume, IReadOnlyList<string> podIps, CancellationToken cancellationToken)
    {
        var uid = pod.Metadata.Uid;
        string Dir(string plugin) => Path.Combine(PodDirectory(uid), "volumes", "kubernetes.io~" + plugin, volume.Name);
        if (volume.EmptyDir is { } emptyDir)
        {
            var dir = Dir("empty-dir");
            Ensure(dir, UnixMode.Octal("777"));
            if (emptyDir.Medium == "Memory")
            {
                EnsureTmpfs(dir, emptyDir.SizeLimit);
            }

            return new MountedVolume(volume.Name, dir, false, false);
        }

        if (volume.HostPath is { } hostPath)
        {
            if (options.MaterializeFiles)
            {
                HostPathCheck.Apply(volume.Name, hostPath.Path, hostPath.Type);
            }

            return new MountedVolume(volume.Name, hostPath.Path, false, false);
        }

        if (volume.PersistentVolumeClaim is { } claim)
        {
            var path = await ClaimPathAsync(pod, volume.Name, claim.ClaimName, cancellationToken).ConfigureAwait(false);
            return new MountedVolume(volume.Name, path, claim.ReadOnlyProperty == true, false);
        }

        if (volume.ConfigMap is { } cm)
        {
            var files = await ConfigMapFilesAsync(pod, volume.Name, cm.Name, cm.Items, cm.Optional == true, cm.DefaultMode ?? DefaultMode, cancellationToken)
                .ConfigureAwait(false);
            return Write(volume.Name, Dir("configmap"), files, tmpfs: false);
        }

        if (volume.Secret is { } secret)
        {
            var files = await SecretFilesAsync(pod, volume.Name, secret.SecretName, secret.Items, secret.Optional == true, secret.DefaultMode ?? DefaultMode, cancellationToken)
                .ConfigureAwait(false);
            return Write(volume.Name, Dir("secret"), files, tmpfs: true);
        }

        if (volume.DownwardAPI is { } downward)
        {
            var files = DownwardFiles(pod, volume.Name, downward.Items, downward.DefaultMode ?? DefaultMode, podIps);
            return Write(volume.Name, Dir("downward-api"), files, tmpfs: true);
        }

        if (volume.Projected is { } projected)
        {
            var files = new Dictionary<string, FileProjection>(StringComparer.Ordinal);
            var mode = projected.DefaultMode ?? DefaultMode;
            foreach (var source in projected.Sources ?? [])
            {
                var part = source switch
                {
                    { ConfigMap: { } c } => await ConfigMapFilesAsync(pod, volume.Name, c.Name, c.Items, c.Optional == true, mode, cancellationToken).ConfigureAwait(false),
                    { Secret: { } s } => await SecretFilesAsync(pod, volume.Name, s.Name, s.Items, s.Optional == true, mode, cancellationToken).ConfigureAwait(false),
                    { DownwardAPI: { } d } => DownwardFiles(pod, volume.Name, d.Items, mode, podIps),
                    { ServiceAccountToken: { } t } => await TokenFileAsync(pod, volume.Name, t, mode, cancellationToken).ConfigureAwait(false),
                    _ => new Dictionary<string, FileProjection>(),
                };
                foreach (var (path, file) in part)
                {
                    files[path] = file;
                }
            }

            return Write(volume.Name, Dir("projected"), files, tmpfs: true);
        }

        throw new VolumeSetupException(volume.Name, "unsupported volume type (LocalKube supports emptyDir, hostPath, persistentVolumeClaim, configMap, secret, downwardAPI and projected)");
    }

    private MountedVolume Write(string name, string dir, Dictionary<string, FileProjection> files, bool tmpfs)
    {
        if (options.MaterializeFiles)
        {
            Ensure(dir, UnixMode.Octal("777"));
            if (tmpfs)
            {
                EnsureTmpfs(dir, null);
            }

            new AtomicWriter(dir, time).Write(files);
        }

        return new MountedVolume(name, dir, true, true);
    }

    private async Task<Dictionary<string, FileProjection>> ConfigMapFilesAsync(
        V1Pod pod, string volume, string name, IList<V1KeyToPath>? items, bool optional, int mode, CancellationToken cancellationToken)
    {
        var cm = await api.GetConfigMapAsync(pod.Metadata.NamespaceProperty, name, cancellationToken).ConfigureAwait(false);
        if (cm is null)
        {
            return optional ? [] : throw new VolumeSetupException(volume, $"configmap \"{name}\" not found");
        }

        var data = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (k, v) in cm.Data ?? new Dictionary<string, string>())
        {
            data[k] = Encoding.UTF8.GetBytes(v);
        }

        foreach (var (k, v) in cm.BinaryData ?? new Dictionary<string, byte[]>())
        {
            data[k] = v;
        }

        return Project(volume, $"configmap references non-existent config key", data, items, optional, mode);
    }

    private async Task<Dictionary<string, FileProjection>> SecretFilesAsync(
        V1Pod pod, string volume, string name, IList<V1KeyToPath>? items, bool optional, int mode, CancellationToken cancellationToken)
    {
        var secret = await api.GetSecretAsync(pod.Metadata.NamespaceProperty, name, cancellationToken).ConfigureAwait(false);
        if (secret is null)
        {
            return optional ? [] : throw new VolumeSetupException(volume, $"secret \"{name}\" not found");
        }

        return Project(volume, "references non-existent secret key", secret.Data ?? new Dictionary<string, byte[]>(), items, optional, mode);
    }

    // items pick and rename keys; a missing key fails unless optional (upstream's MakePayload).
    private static Dictionary<string, FileProjection> Project(
        string volume, string missingKey, IDictionary<string, byte[]> data, IList<V1KeyToPath>? items, bool optional, int mode)
    {
        var files = new Dictionary<string, FileProjection>(StringComparer.Ordinal);
        if (items is not { Count: > 0 })
        {
            foreach (var (key, value) in data)
            {
                files[key] = new FileProjection(value, mode);
            }

            return files;
        }

        foreach (var item in items)
        {
            if (!data.TryGetValue(item.Key, out var value))
            {
                if (optional)
                {
                    continue;
                }

                throw new VolumeSetupException(volume, $"{missingKey}: {item.Key}");
            }

            files[item.Path] = new FileProjection(value, item.Mode ?? mode);
        }

        return files;
    }

    private Dictionary<string, FileProjection> DownwardFiles(V1Pod pod, string volume, IList<V1DownwardAPIVolumeFile>? items, int mode, IReadOnlyList<string> podIps)
    {
        var files = new Dictionary<string, FileProjection>(StringComparer.Ordinal);
        foreach (var item in items ?? [])
        {
            string value;
            try
            {
                if (item.FieldRef is { } field)
                {
                    value = FieldPath.Resolve(field.FieldPath, pod, podIps, options.NodeIps);
                }
                else if (item.ResourceFieldRef is { } resource)
                {
                    var container = (pod.Spec?.Containers ?? []).Concat(pod.Spec?.InitContainers ?? [])
                        .FirstOrDefault(c => c.Name == resource.ContainerName) ?? throw new ContainerConfigException($"container {resource.ContainerName} not found");
                    value = ResourceFieldRef.Resolve(resource.Resource, resource.Divisor, container, new Dictionary<string, ResourceQuantity>());
                }
                else
                {
                    continue;
                }
            }
            catch (ContainerConfigException e)
            {
                throw new VolumeSetupException(volume, e.Message);
            }

            files[item.Path] = new FileProjection(Encoding.UTF8.GetBytes(value), item.Mode ?? mode);
        }

        return files;
    }

    private async Task<Dictionary<string, FileProjection>> TokenFileAsync(V1Pod pod, string volume, V1ServiceAccountTokenProjection projection, int mode, CancellationToken cancellationToken)
    {
        var serviceAccount = string.IsNullOrEmpty(pod.Spec?.ServiceAccountName) ? "default" : pod.Spec.ServiceAccountName;
        if (!options.MaterializeFiles)
        {
            // Simulated pods read nothing: no token is requested for them.
            return new Dictionary<string, FileProjection> { [projection.Path] = new([], mode) };
        }

        try
        {
            var token = await tokens.GetTokenAsync(pod, serviceAccount, projection.Audience, projection.ExpirationSeconds ?? 3600, cancellationToken)
                .ConfigureAwait(false);
            return new Dictionary<string, FileProjection> { [projection.Path] = new(Encoding.UTF8.GetBytes(token), mode) };
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new VolumeSetupException(volume, $"failed to fetch token: {e.Message}");
        }
    }

    private async Task<string> ClaimPathAsync(V1Pod pod, string volume, string claimName, CancellationToken cancellationToken)
    {
        var claim = await api.GetPersistentVolumeClaimAsync(pod.Metadata.NamespaceProperty, claimName, cancellationToken).ConfigureAwait(false)
            ?? throw new VolumeSetupException(volume, $"persistentvolumeclaim \"{claimName}\" not found");
        if (string.IsNullOrEmpty(claim.Spec?.VolumeName) || claim.Status?.Phase != "Bound")
        {
            throw new VolumeSetupException(volume, $"persistentvolumeclaim \"{claimName}\" is not bound");
        }

        var pv = await api.GetPersistentVolumeAsync(claim.Spec.VolumeName, cancellationToken).ConfigureAwait(false)
            ?? throw new VolumeSetupException(volume, $"persistentvolume \"{claim.Spec.VolumeName}\" not found");
        var path = pv.Spec?.HostPath?.Path ?? pv.Spec?.Local?.Path
            ?? throw new VolumeSetupException(volume, $"persistentvolume \"{pv.Metadata.Name}\" is not a hostPath or local volume, the only kinds this node can mount");
        if (options.MaterializeFiles)
        {
            HostPathCheck.Apply(volume, path, pv.Spec?.HostPath?.Type is { Length: > 0 } type ? type : "DirectoryOrCreate");
        }

        return path;
    }

    private void Ensure(string dir, int mode)
    {
        if (options.MaterializeFiles && !Directory.Exists(dir))
        {
            Directory.CreateDirectory(dir);
            UnixMode.Set(dir, mode);
        }
    }

    private void EnsureTmpfs(string dir, ResourceQuantity? size)
    {
        if (!options.MaterializeFiles || Mounts.IsMountPoint(dir))
        {
            return;
        }

        try
        {
            Native.LibC.MountTmpfs(dir, QuantityValues.Value(size));
        }
        catch (IOException)
        {
            // Without the right to mount (an unprivileged test run), the files stay on disk.
        }
    }

    /// <summary>Formats a mode like <c>0644</c>, for messages.</summary>
    public static string Octal(int mode) => "0" + Convert.ToString(mode, 8).PadLeft(3, '0').ToString(CultureInfo.InvariantCulture);
}
