using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using k8s;
using k8s.Models;
using LocalKube.Node.Kubelet.Runtime;
using Microsoft.Extensions.Logging;

namespace LocalKube.Node.Kubelet.Pods;

/// <summary>
/// Static pods from manifest files (<c>k8s: pkg/kubelet/config/file.go, common.go</c>): every non-hidden file in the
/// folder holding one Pod (YAML or JSON) is run as <c>&lt;name&gt;-&lt;node&gt;</c>, its UID a hash of its content (an
/// edit restarts it), annotated with its hash, source <c>file</c> and when it was seen. The folder is watched and
/// re-listed every 20 s; a bad manifest is logged and skipped, never fatal.
/// </summary>
internal sealed partial class StaticPodSource(string directory, string nodeName, TimeProvider time, ILogger logger)
{
    private static readonly TimeSpan Relist = TimeSpan.FromSeconds(20);
    private readonly Dictionary<string, string> _badFiles = new(StringComparer.Ordinal);
    private Dictionary<string, V1Pod> _current = new(StringComparer.Ordinal);

    /// <summary>Called with the full set of static pods whenever it changes.</summary>
    public event Action<IReadOnlyDictionary<string, V1Pod>>? Changed;

    /// <summary>The static pods as of the last scan, by UID.</summary>
    public IReadOnlyDictionary<string, V1Pod> Pods => _current;

    /// <summary>Scans now; returns whether the set changed.</summary>
    public bool Scan()
    {
        var found = new Dictionary<string, V1Pod>(StringComparer.Ordinal);
        if (Directory.Exists(directory))
        {
            foreach (var file in Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal))
            {
                if (Path.GetFileName(file).StartsWith('.'))
                {
                    continue;
                }

                if (Load(file) is { } pod)
                {
                    var existing = _current.GetValueOrDefault(pod.Metadata.Uid);
                    if (existing?.Metadata.Annotations?.TryGetValue(MirrorPods.SeenAnnotation, out var seen) == true)
                    {
                        pod.Metadata.Annotations[MirrorPods.SeenAnnotation] = seen;
                    }

                    found[pod.Metadata.Uid] = pod;
                }
            }
        }

        var changed = found.Count != _current.Count || found.Keys.Any(k => !_current.ContainsKey(k));
        _current = found;
        if (changed)
        {
            Changed?.Invoke(found);
        }

        return changed;
    }

    /// <summary>Watches the folder until the token ends.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var signal = new SemaphoreSlim(0, 1);
        FileSystemWatcher? watcher = null;
        try
        {
            if (Directory.Exists(directory))
            {
                watcher = new FileSystemWatcher(directory) { IncludeSubdirectories = false, EnableRaisingEvents = true };
                FileSystemEventHandler wake = (_, _) => Release(signal);
                watcher.Created += wake;
                watcher.Changed += wake;
                watcher.Deleted += wake;
                watcher.Renamed += (_, _) => Release(signal);
            }
        }
        catch (Exception e) when (e is IOException or ArgumentException or PlatformNotSupportedException)
        {
            Log.WatchFailed(logger, directory, e.Message);
        }

        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                Scan();
                try
                {
                    await signal.WaitAsync(Relist, cancellationToken).ConfigureAwait(false);

                    // Editors write in several steps: let them finish.
                    await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
        finally
        {
            watcher?.Dispose();
        }
    }

    private static void Release(SemaphoreSlim signal)
    {
        try
        {
            if (signal.CurrentCount == 0)
            {
                signal.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
    }

    private V1Pod? Load(string file)
    {
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Bad(file, e.Message);
        }

        V1Pod pod;
        try
        {
            pod = KubernetesYaml.Deserialize<V1Pod>(text);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return Bad(file, $"not a Pod manifest: {e.Message}");
        }

        if (pod is null || pod.Kind is not (null or "Pod") || pod.Metadata?.Name is not { Length: > 0 } || pod.Spec?.Containers is not { Count: > 0 })
        {
            return Bad(file, "a static pod manifest must be one Pod with a name and at least one container");
        }

        _badFiles.Remove(file);
        var hash = Hash(text);
        pod.Metadata.Name = $"{pod.Metadata.Name}-{nodeName}";
        pod.Metadata.NamespaceProperty = string.IsNullOrEmpty(pod.Metadata.NamespaceProperty) ? "default" : pod.Metadata.NamespaceProperty;
        pod.Metadata.Uid = hash;
        pod.Metadata.CreationTimestamp ??= time.GetUtcNow().UtcDateTime;
        pod.Metadata.Annotations ??= new Dictionary<string, string>();
        pod.Metadata.Annotations[MirrorPods.HashAnnotation] = hash;
        pod.Metadata.Annotations[KubernetesLabels.ConfigSource] = "file";
        pod.Metadata.Annotations[MirrorPods.SeenAnnotation] = time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
        pod.Spec.NodeName = nodeName;
        StaticPodDefaults.Apply(pod.Spec);
        return pod;
    }

    private V1Pod? Bad(string file, string why)
    {
        if (!_badFiles.TryGetValue(file, out var known) || known != why)
        {
            _badFiles[file] = why;
            Log.BadManifest(logger, file, why);
        }

        return null;
    }

    // Upstream hashes the decoded pod with the node name and source; the file's content stands in for the pod.
    private string Hash(string content) =>
        Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes($"{content}\nhost:{nodeName}\nfile:{directory}")));

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Skipping static pod manifest {File}: {Reason}")]
        public static partial void BadManifest(ILogger logger, string file, string reason);

        [LoggerMessage(2, LogLevel.Warning, "Cannot watch the static pod folder {Directory} (re-listing every 20 s instead): {Message}")]
        public static partial void WatchFailed(ILogger logger, string directory, string message);
    }
}
