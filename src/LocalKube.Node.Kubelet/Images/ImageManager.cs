using System.Diagnostics;
using System.Globalization;
using k8s.Models;
using LocalKube.Node.Kubelet.Lifecycle;
using LocalKube.Node.Kubelet.Probes;
using LocalKube.Node.Kubelet.Runtime;

namespace LocalKube.Node.Kubelet.Images;

/// <summary>
/// Makes sure a container's image is present (<c>k8s: pkg/kubelet/images/image_manager.go</c>): the pull policy
/// (Always, IfNotPresent, Never; defaulted from the tag), a per-pod-and-image back-off of 10 s doubling to 5 min, and
/// upstream's events and reasons: Pulling, Pulled, Failed, BackOff; ErrImagePull, ImagePullBackOff, ErrImageNeverPull,
/// InvalidImageName.
/// </summary>
public sealed class ImageManager(IContainerRuntime runtime, IKubeletEventSink events, TimeProvider time)
{
    private readonly Backoff _backoff = Backoff.ForContainers(time);

    /// <summary>Returns the image to run, or throws <see cref="StartFailure"/> with the waiting reason.</summary>
    public async Task<string> EnsureAsync(V1Pod pod, V1Container container, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(container);
        var image = container.Image ?? "";
        if (!ImageReference.TryParse(image, out var reference, out var error))
        {
            var message = $"Failed to apply default image tag \"{image}\": couldn't parse image name \"{image}\": {error}";
            events.Record(pod, container.Name, "Warning", "InspectFailed", message);
            throw new StartFailure("InvalidImageName", message);
        }

        var runImage = reference!.Digest is null && reference.Tag is null ? reference.WithDefaultTag() : image;
        ImageInfo? present;
        try
        {
            present = await runtime.InspectImageAsync(runImage, cancellationToken).ConfigureAwait(false);
        }
        catch (RuntimeUnavailableException)
        {
            throw;
        }
        catch (ContainerRuntimeException e)
        {
            var message = $"Failed to inspect image \"{image}\": {e.Message}";
            events.Record(pod, container.Name, "Warning", "InspectFailed", message);
            throw new StartFailure("ImageInspectError", message);
        }

        var policy = string.IsNullOrEmpty(container.ImagePullPolicy)
            ? (reference.IsLatest ? "Always" : "IfNotPresent")
            : container.ImagePullPolicy;
        var pull = policy switch
        {
            "Never" => false,
            "IfNotPresent" => present is null,
            _ => true,
        };
        if (!pull)
        {
            if (present is not null)
            {
                events.Record(pod, container.Name, "Normal", "Pulled", $"Container image \"{image}\" already present on machine");
                return runImage;
            }

            var message = $"Container image \"{image}\" is not present with pull policy of Never";
            events.Record(pod, container.Name, "Warning", "ErrImageNeverPull", message);
            throw new StartFailure("ErrImageNeverPull", message);
        }

        var key = $"{pod.Metadata.Uid}_{image}";
        var now = time.GetUtcNow();
        if (_backoff.IsInBackOffSinceUpdate(key, now))
        {
            var message = $"Back-off pulling image \"{image}\"";
            events.Record(pod, container.Name, "Normal", "BackOff", message);
            throw new StartFailure("ImagePullBackOff", message) { RetryAt = _backoff.EndsAfterUpdate(key) };
        }

        events.Record(pod, container.Name, "Normal", "Pulling", $"Pulling image \"{image}\"");
        var watch = Stopwatch.StartNew();
        ImageInfo pulled;
        try
        {
            pulled = await runtime.PullImageAsync(runImage, cancellationToken).ConfigureAwait(false);
        }
        catch (ImagePullException e)
        {
            events.Record(pod, container.Name, "Warning", "Failed", $"Failed to pull image \"{image}\": {e.Message}");
            _backoff.Next(key, time.GetUtcNow());
            throw new StartFailure("ErrImagePull", e.Message) { RetryAt = _backoff.EndsAfterUpdate(key) };
        }

        var took = Go(watch.Elapsed);
        events.Record(pod, container.Name, "Normal", "Pulled",
            $"Successfully pulled image \"{image}\" in {took} ({took} including waiting). Image size: {pulled.SizeBytes.ToString(CultureInfo.InvariantCulture)} bytes.");
        _backoff.Collect();
        return runImage;
    }

    private static string Go(TimeSpan elapsed) => GoDuration.Format(TimeSpan.FromMilliseconds(Math.Floor(elapsed.TotalMilliseconds)));
}
