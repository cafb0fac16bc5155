using Docker.DotNet.Models;

namespace LocalKube.Node.Kubelet.Runtime.Docker;

public sealed partial class DockerRuntime
{
    /// <inheritdoc />
    public async Task<ImageInfo?> InspectImageAsync(string image, CancellationToken cancellationToken)
    {
        try
        {
            var inspect = await _api.CallAsync((c, ct) => c.Images.InspectImageAsync(image, ct), cancellationToken).ConfigureAwait(false);
            return DockerStatusConverter.Image(inspect);
        }
        catch (RuntimeObjectNotFoundException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async Task<ImageInfo> PullImageAsync(string image, CancellationToken cancellationToken)
    {
        if (!ImageReference.TryParse(image, out var reference, out var error))
        {
            throw new ImagePullException($"couldn't parse image name \"{image}\": {error}");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Options.PullTimeout);
        var failure = (string?)null;
        var parameters = new ImagesCreateParameters
        {
            FromImage = reference!.FamiliarRepository,
            Tag = reference.Digest ?? reference.Tag ?? "latest",
        };
        try
        {
            // Not retried here: the kubelet's image back-off paces repeated pulls.
            await _api.CallOnceAsync(async (c, ct) =>
            {
                await c.Images.CreateImageAsync(parameters, null, new PullProgress(m => failure ??= m), ct).ConfigureAwait(false);
                return true;
            }, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ImagePullException($"pulling image \"{image}\" did not finish within {Options.PullTimeout.TotalSeconds:0}s");
        }
        catch (RuntimeUnavailableException)
        {
            throw;
        }
        catch (ContainerRuntimeException e)
        {
            throw new ImagePullException(e.Message, e);
        }

        if (failure is not null)
        {
            throw new ImagePullException(failure);
        }

        return await InspectImageAsync(image, cancellationToken).ConfigureAwait(false)
            ?? throw new ImagePullException($"image \"{image}\" is not present after its pull");
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ImageInfo>> ListImagesAsync(CancellationToken cancellationToken)
    {
        var list = await _api.CallAsync((c, ct) => c.Images.ListImagesAsync(new ImagesListParameters { All = false }, ct), cancellationToken)
            .ConfigureAwait(false);
        return list.Select(DockerStatusConverter.Image).ToList();
    }

    /// <inheritdoc />
    public async Task RemoveImageAsync(string image, CancellationToken cancellationToken)
    {
        try
        {
            await _api.CallAsync((c, ct) => c.Images.DeleteImageAsync(image, new ImageDeleteParameters { Force = false, NoPrune = false }, ct),
                cancellationToken).ConfigureAwait(false);
        }
        catch (RuntimeObjectNotFoundException)
        {
            // Already gone.
        }
    }

    // The node image carries the pause image as a 'docker save' archive: no registry is needed for sandboxes.
    private async Task EnsureSandboxImageAsync(CancellationToken cancellationToken)
    {
        if (await InspectImageAsync(Options.SandboxImage, cancellationToken).ConfigureAwait(false) is not null)
        {
            return;
        }

        if (!File.Exists(Options.SandboxImageArchive))
        {
            throw new ContainerRuntimeException(
                $"the sandbox image {Options.SandboxImage} is missing and there is no archive of it at {Options.SandboxImageArchive} (is this a LocalKube node image?)");
        }

        await using (var archive = File.OpenRead(Options.SandboxImageArchive))
        {
            await _api.CallOnceAsync(async (c, ct) =>
            {
                await c.Images.LoadImageAsync(new ImageLoadParameters { Quiet = true }, archive, new PullProgress(_ => { }), ct).ConfigureAwait(false);
                return true;
            }, cancellationToken).ConfigureAwait(false);
        }

        if (await InspectImageAsync(Options.SandboxImage, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new ContainerRuntimeException($"{Options.SandboxImageArchive} does not hold {Options.SandboxImage}");
        }

        Log.SandboxImageLoaded(_logger, Options.SandboxImage, Options.SandboxImageArchive);
    }

    private async Task EnsurePodNetworkAsync(CancellationToken cancellationToken)
    {
        try
        {
            var network = await _api.CallAsync((c, ct) => c.Networks.InspectNetworkAsync(Options.PodNetwork, ct), cancellationToken).ConfigureAwait(false);
            var subnet = network.IPAM?.Config?.FirstOrDefault()?.Subnet;
            if (subnet is not null && subnet != Options.PodCidr)
            {
                Log.NetworkMismatch(_logger, Options.PodNetwork, subnet, Options.PodCidr);
            }

            return;
        }
        catch (RuntimeObjectNotFoundException)
        {
            // Create it below.
        }

        try
        {
            await _api.CallAsync((c, ct) => c.Networks.CreateNetworkAsync(new NetworksCreateParameters
            {
                Name = Options.PodNetwork,
                Driver = "bridge",
                CheckDuplicate = true,
                IPAM = new IPAM { Config = [new IPAMConfig { Subnet = Options.PodCidr, Gateway = Options.PodGateway }] },
                Options = new Dictionary<string, string>
                {
                    ["com.docker.network.bridge.name"] = Options.BridgeName,
                    ["com.docker.network.bridge.enable_ip_masquerade"] = "true",
                    ["com.docker.network.bridge.enable_icc"] = "true",
                },
                Labels = new Dictionary<string, string> { ["io.localkube.pod-network"] = "true" },
            }, ct), cancellationToken).ConfigureAwait(false);
            Log.NetworkCreated(_logger, Options.PodNetwork, Options.PodCidr);
        }
        catch (ContainerRuntimeException e) when (e.Message.Contains("already exists", StringComparison.OrdinalIgnoreCase))
        {
            // Created concurrently.
        }
    }

    private sealed class PullProgress(Action<string> onError) : IProgress<JSONMessage>
    {
        public void Report(JSONMessage value)
        {
            var error = value.Error?.Message;
            if (string.IsNullOrEmpty(error))
            {
                error = value.ErrorMessage;
            }

            if (!string.IsNullOrEmpty(error))
            {
                onError(error.Trim());
            }
        }
    }
}
