using Docker.DotNet;
using Docker.DotNet.Models;
using LocalKube.Abstractions.Drivers;
using LocalKube.Abstractions.Errors;

namespace LocalKube.Drivers.Docker;

/// <summary>Networks, volumes and containers by name, where "not found" is a value (null / false), never an exception.</summary>
internal static class DockerResources
{
    public static async Task<ContainerInspectResponse?> InspectContainerAsync(IDockerClient client, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await client.Containers.InspectContainerAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (DockerErrors.IsNotFound(e))
        {
            return null;
        }
    }

    public static async Task<NetworkResponse?> InspectNetworkAsync(IDockerClient client, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await client.Networks.InspectNetworkAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (DockerErrors.IsNotFound(e))
        {
            return null;
        }
    }

    public static async Task<VolumeResponse?> InspectVolumeAsync(IDockerClient client, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await client.Volumes.InspectAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (DockerErrors.IsNotFound(e))
        {
            return null;
        }
    }

    /// <summary>Makes the profile's bridge network if missing. Returns true when this call created it.</summary>
    public static async Task<bool> EnsureNetworkAsync(IDockerClient client, MachineRef machine, CancellationToken cancellationToken)
    {
        var name = DockerLabels.NetworkName(machine.Profile);
        var existing = await InspectNetworkAsync(client, name, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            return DockerLabels.BelongsTo(existing.Labels, machine.Profile)
                ? false
                : throw new LocalKubeException(Reasons.GuestProvision,
                    $"A Docker network named {name} exists but LocalKube did not make it for profile {machine.Profile}. Remove or rename it, or use another profile name.");
        }

        // Docker picks a free subnet itself; the default bridge's MTU applies.
        await client.Networks.CreateNetworkAsync(new NetworksCreateParameters
        {
            Name = name,
            Driver = "bridge",
            CheckDuplicate = true,
            Labels = DockerLabels.For(machine),
        }, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Makes the machine's volume if missing. Returns true when this call created it.</summary>
    public static async Task<bool> EnsureVolumeAsync(IDockerClient client, MachineRef machine, CancellationToken cancellationToken)
    {
        var existing = await InspectVolumeAsync(client, machine.Name, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            // Ours: the data of an earlier, half-finished create, kept on purpose.
            return DockerLabels.BelongsTo(existing.Labels, machine.Profile)
                ? false
                : throw new LocalKubeException(Reasons.GuestProvision,
                    $"A Docker volume named {machine.Name} exists but LocalKube did not make it for profile {machine.Profile}. Remove it, or use another profile name.");
        }

        await client.Volumes.CreateAsync(new VolumesCreateParameters
        {
            Name = machine.Name,
            Labels = DockerLabels.For(machine),
        }, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public static async Task<bool> RemoveContainerAsync(IDockerClient client, string id, CancellationToken cancellationToken)
    {
        try
        {
            await client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (DockerErrors.IsNotFound(e))
        {
            return false;
        }
    }

    public static async Task<bool> RemoveVolumeAsync(IDockerClient client, string name, CancellationToken cancellationToken)
    {
        try
        {
            await client.Volumes.RemoveAsync(name, force: true, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (DockerErrors.IsNotFound(e))
        {
            return false;
        }
    }

    /// <summary>Removes the profile network unless another container of the profile still uses it.</summary>
    public static async Task<bool> RemoveNetworkIfUnusedAsync(IDockerClient client, string profile, CancellationToken cancellationToken)
    {
        var others = await ListContainersAsync(client, profile, cancellationToken).ConfigureAwait(false);
        if (others.Count > 0)
        {
            return false;
        }

        var network = await InspectNetworkAsync(client, DockerLabels.NetworkName(profile), cancellationToken).ConfigureAwait(false);
        return network is not null && DockerLabels.BelongsTo(network.Labels, profile)
            && await RemoveNetworkAsync(client, network.ID, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<bool> RemoveNetworkAsync(IDockerClient client, string id, CancellationToken cancellationToken)
    {
        try
        {
            await client.Networks.DeleteNetworkAsync(id, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (DockerErrors.IsNotFound(e))
        {
            return false;
        }
    }

    public static async Task<IList<ContainerListResponse>> ListContainersAsync(IDockerClient client, string profile, CancellationToken cancellationToken) =>
        await client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = DockerLabels.ProfileFilter(profile),
        }, cancellationToken).ConfigureAwait(false);

    public static async Task<IList<VolumeResponse>> ListVolumesAsync(IDockerClient client, string profile, CancellationToken cancellationToken) =>
        (await client.Volumes.ListAsync(new VolumesListParameters { Filters = DockerLabels.ProfileFilter(profile) }, cancellationToken)
            .ConfigureAwait(false)).Volumes ?? [];

    public static async Task<IList<NetworkResponse>> ListNetworksAsync(IDockerClient client, string profile, CancellationToken cancellationToken) =>
        await client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = DockerLabels.ProfileFilter(profile) }, cancellationToken)
            .ConfigureAwait(false);
}
