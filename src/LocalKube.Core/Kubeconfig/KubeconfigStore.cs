using System.Globalization;
using System.Reflection;
using System.Text;
using LocalKube.Abstractions.Errors;
using LocalKube.Core.IO;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using YamlDotNet.RepresentationModel;

namespace LocalKube.Core.Kubeconfig;

/// <summary>
/// Adds, updates and removes a profile's cluster, user and context in the user's kubeconfig.
/// </summary>
/// <remarks>
/// <para>Credentials are embedded (<c>certificate-authority-data</c>, <c>client-certificate-data</c>,
/// <c>client-key-data</c>) rather than referenced by path as minikube does: the kubeconfig then keeps working when
/// copied, mounted into a container, or read by tools that resolve relative paths differently, and a rotated
/// certificate reaches it on the next update.</para>
/// <para>Entries LocalKube writes carry an extension named <c>localkube.io</c> (like minikube's
/// <c>minikube.sigs.k8s.io</c>); only stamped entries are ever changed or removed. Everything else in the file is
/// kept as it was read. Writes are atomic (temp file and rename) under kubectl's <c>&lt;file&gt;.lock</c>
/// convention, mode 0600.</para>
/// </remarks>
public sealed partial class KubeconfigStore
{
    private static readonly string Version = "v" + (typeof(KubeconfigStore).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0");

    private readonly TimeProvider _time;
    private readonly KubeconfigStoreOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates a store for the kubeconfig at <paramref name="path"/> (see <see cref="KubeconfigLocator"/>).</summary>
    public KubeconfigStore(string path, TimeProvider timeProvider, KubeconfigStoreOptions? options = null, ILogger<KubeconfigStore>? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        _time = timeProvider;
        _options = options ?? new KubeconfigStoreOptions();
        _logger = logger ?? NullLogger<KubeconfigStore>.Instance;
    }

    /// <summary>The kubeconfig file.</summary>
    public string Path { get; }

    /// <summary>
    /// Writes (or refreshes) the profile's cluster, user and context, and makes the context current unless
    /// <see cref="KubeconfigEntry.KeepContext"/>. Creates the file and its folder when missing.
    /// </summary>
    /// <exception cref="LocalKubeException">
    /// <see cref="Reasons.KubeconfigUpdate"/> when the file is malformed, when an entry of the same name was not made
    /// by LocalKube, or when it cannot be written. The file is then left untouched.
    /// </exception>
    public Task UpdateAsync(KubeconfigEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return EditAsync(document =>
        {
            var name = entry.Profile;
            foreach (var (section, item) in new[] { ("clusters", "cluster"), ("users", "user"), ("contexts", "context") })
            {
                if (document.Find(section, name) is { } existing && !KubeconfigDocument.IsOurs(existing, item))
                {
                    throw new LocalKubeException(
                        Reasons.KubeconfigUpdate,
                        $"The kubeconfig '{Path}' already has a {item} named '{name}' that LocalKube did not create; refusing to overwrite it. "
                        + $"Remove it ('kubectl config delete-{item} {name}') or use another profile name.");
                }
            }

            var stamp = Stamp();
            document.Upsert("clusters", "cluster", name,
                [("server", entry.Server.ToString().TrimEnd('/')), ("certificate-authority-data", Base64(entry.CertificateAuthorityPem))],
                ["certificate-authority", "insecure-skip-tls-verify"], stamp);
            document.Upsert("users", "user", name,
                [("client-certificate-data", Base64(entry.ClientCertificatePem)), ("client-key-data", Base64(entry.ClientKeyPem))],
                ["client-certificate", "client-key", "token", "tokenFile", "username", "password"], Stamp());
            document.Upsert("contexts", "context", name, [("cluster", name), ("user", name)], [], Stamp());
            if (!entry.KeepContext)
            {
                document.SetCurrentContext(name);
            }

            return true;
        }, createIfMissing: true, cancellationToken);
    }

    /// <summary>
    /// Removes the profile's entries that LocalKube made, and clears <c>current-context</c> if it pointed at the removed
    /// context. Entries of the same name made by others stay. Returns true when something was removed.
    /// </summary>
    /// <exception cref="LocalKubeException"><see cref="Reasons.KubeconfigUpdate"/> when the file is malformed or cannot be written.</exception>
    public async Task<bool> RemoveAsync(string profile, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(profile);
        var removed = false;
        await EditAsync(document =>
        {
            foreach (var (section, item) in new[] { ("clusters", "cluster"), ("users", "user"), ("contexts", "context") })
            {
                if (document.Find(section, profile) is { } existing && KubeconfigDocument.IsOurs(existing, item))
                {
                    removed |= document.Remove(section, profile);
                    if (item == "context" && document.CurrentContext == profile)
                    {
                        document.SetCurrentContext("");
                    }
                }
            }

            return removed;
        }, createIfMissing: false, cancellationToken);
        return removed;
    }

    /// <summary>The server URL of the profile's LocalKube-made cluster entry; null when there is none.</summary>
    /// <exception cref="LocalKubeException"><see cref="Reasons.KubeconfigUpdate"/> when the file is malformed.</exception>
    public async Task<Uri?> GetServerAsync(string profile, CancellationToken cancellationToken)
    {
        var text = await ReadTextAsync(cancellationToken);
        if (text is null)
        {
            return null;
        }

        // status asks on every call: the block-style subset kubectl and we write is read without the YAML library.
        if (BlockYaml.TryParse(text) is Dictionary<string, object?> root)
        {
            return ServerOf(root, profile);
        }

        var document = KubeconfigDocument.Parse(text, Path);
        if (document.Find("clusters", profile) is not { } entry || !KubeconfigDocument.IsOurs(entry, "cluster"))
        {
            return null;
        }

        var server = entry.Children.TryGetValue("cluster", out var node) && node is YamlMappingNode body
            ? KubeconfigDocument.ScalarOf(body, "server")
            : null;
        return Uri.TryCreate(server, UriKind.Absolute, out var uri) ? uri : null;
    }

    /// <summary>The kubeconfig's <c>current-context</c>; null when unset or when the file does not exist.</summary>
    /// <exception cref="LocalKubeException"><see cref="Reasons.KubeconfigUpdate"/> when the file is malformed.</exception>
    public async Task<string?> GetCurrentContextAsync(CancellationToken cancellationToken) =>
        (await ReadAsync(cancellationToken))?.CurrentContext;

    /// <summary>What <see cref="GetServerAsync"/> reads, from a <see cref="BlockYaml"/> document.</summary>
    private static Uri? ServerOf(Dictionary<string, object?> root, string profile)
    {
        var entry = (root.GetValueOrDefault("clusters") as List<object?> ?? [])
            .OfType<Dictionary<string, object?>>()
            .FirstOrDefault(e => e.GetValueOrDefault("name") as string == profile);
        if (entry?.GetValueOrDefault("cluster") is not Dictionary<string, object?> cluster
            || !(cluster.GetValueOrDefault("extensions") as List<object?> ?? []).OfType<Dictionary<string, object?>>()
                .Any(e => e.GetValueOrDefault("name") as string == KubeconfigDocument.StampName))
        {
            return null;
        }

        return Uri.TryCreate(cluster.GetValueOrDefault("server") as string, UriKind.Absolute, out var uri) ? uri : null;
    }

    private async Task<KubeconfigDocument?> ReadAsync(CancellationToken cancellationToken)
    {
        var text = await ReadTextAsync(cancellationToken);
        return text is null ? null : KubeconfigDocument.Parse(text, Path);
    }

    private async Task<string?> ReadTextAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllTextAsync(Path, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LocalKubeException(Reasons.KubeconfigUpdate, $"Cannot read the kubeconfig '{Path}': {e.Message}", e);
        }
    }

    // Read, edit and write under the lock, so a concurrent kubectl or localkube never loses an update.
    private async Task EditAsync(Func<KubeconfigDocument, bool> edit, bool createIfMissing, CancellationToken cancellationToken)
    {
        var directory = System.IO.Path.GetDirectoryName(Path)!;
        if (!createIfMissing && !File.Exists(Path))
        {
            return;
        }

        try
        {
            UnixPermissions.CreatePrivateDirectory(directory);
            using var fileLock = await FileLock.AcquireAsync(Path + ".lock", _options, _time, cancellationToken);
            if (fileLock.BrokeStaleLock)
            {
                Log.StaleLockRemoved(_logger, fileLock.Path);
            }

            var text = await ReadTextAsync(cancellationToken);
            if (text is null && !createIfMissing)
            {
                return;
            }

            var document = text is null ? KubeconfigDocument.CreateEmpty() : KubeconfigDocument.Parse(text, Path);
            if (!edit(document))
            {
                return;
            }

            await AtomicFile.WriteAllTextAsync(WriteTarget(), document.Serialize(), AtomicFile.Private, cancellationToken);
            Log.Written(_logger, Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LocalKubeException(Reasons.KubeconfigUpdate, $"Cannot write the kubeconfig '{Path}': {e.Message}", e);
        }
    }

    // A symlinked kubeconfig (dotfiles repos) is updated where it points, not replaced by a regular file.
    private string WriteTarget()
    {
        var info = new FileInfo(Path);
        return info.LinkTarget is not null ? info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path : Path;
    }

    private YamlMappingNode Stamp() => new()
    {
        { "provider", KubeconfigDocument.StampName },
        { "version", Version },
        { "last-update", _time.GetUtcNow().ToString("R", CultureInfo.InvariantCulture) },
    };

    private static string Base64(string pem) => Convert.ToBase64String(Encoding.UTF8.GetBytes(pem));

    private static partial class Log
    {
        // Next free EventId: 203.
        [LoggerMessage(EventId = 201, Level = LogLevel.Warning, Message = "Removed stale kubeconfig lock {LockPath}")]
        public static partial void StaleLockRemoved(ILogger logger, string lockPath);

        [LoggerMessage(EventId = 202, Level = LogLevel.Debug, Message = "Wrote kubeconfig {Path}")]
        public static partial void Written(ILogger logger, string path);
    }
}
