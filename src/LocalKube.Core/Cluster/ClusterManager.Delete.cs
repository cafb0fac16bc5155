using LocalKube.Abstractions.Errors;
using LocalKube.Core.Profiles;

namespace LocalKube.Core.Cluster;

public sealed partial class ClusterManager
{
    /// <summary>
    /// Removes every trace of the profile: its nodes, whatever any driver made for it (found by label or folder, so
    /// leftovers of a crashed start go too), its kubeconfig entries and its folder. A missing or corrupt profile is
    /// still cleaned up. With <paramref name="purge"/> the whole LocalKube home goes, if no other profile is in it.
    /// </summary>
    public async Task DeleteAsync(string profile, bool purge, IStepReporter reporter, CancellationToken cancellationToken)
    {
        ProfileName.Validate(profile);
        if (purge)
        {
            var others = await profiles.ListAsync(cancellationToken);
            if (others.Valid.Any(p => p.Name != profile) || others.Invalid.Any(p => p.Name != profile))
            {
                throw new LocalKubeException(Reasons.Usage, "--purge removes the whole LocalKube home, but other profiles exist: use 'localkube delete --all --purge'.");
            }
        }

        ClusterConfig? config = null;
        try
        {
            config = await profiles.LoadAsync(profile, cancellationToken);
        }
        catch (LocalKubeException e) when (e.Reason == Reasons.ProfileCorrupt)
        {
            reporter.Warning($"{e.Message} Deleting it anyway.");
        }

        if (config is null && !Directory.Exists(paths.ProfileDirectory(profile)))
        {
            reporter.Info($"\"{profile}\" profile does not exist, trying anyways.");
        }

        await reporter.StepAsync(new StepInfo(1, 1, $"Deleting \"{profile}\"{(config is null ? "" : $" in {config.Driver}")}"), async (_, ct) =>
        {
            if (config is not null)
            {
                var driver = drivers.GetDriver(config.Driver);
                foreach (var machine in Machines(config))
                {
                    await driver.DeleteAsync(machine, ct);
                }
            }

            await PurgeLeftoversAsync(profile, ct);
            await kubeconfig.RemoveAsync(profile, ct);
            await profiles.DeleteAsync(profile, ct);
        }, cancellationToken);

        if (purge)
        {
            PurgeHome();
        }

        reporter.Info($"Removed all traces of the \"{profile}\" cluster.");
    }

    /// <summary><c>delete --all</c>: every profile, valid or not; with <paramref name="purge"/>, the home folder too.</summary>
    public async Task DeleteAllAsync(bool purge, IStepReporter reporter, CancellationToken cancellationToken)
    {
        var all = await profiles.ListAsync(cancellationToken);
        var names = all.Valid.Select(p => p.Name).Concat(all.Invalid.Select(p => p.Name)).ToList();
        // Like minikube's 'delete --all': also what drivers hold for profiles whose folder is gone (crashed runs).
        foreach (var descriptor in drivers.Descriptors)
        {
            try
            {
                names.AddRange(await drivers.GetDriver(descriptor.Name).FindProfilesAsync(cancellationToken));
            }
            catch (LocalKubeException e)
            {
                Log.PurgeSkipped(logger, descriptor.Name, "*", e.Message);
            }
        }

        names = names.Distinct(StringComparer.Ordinal).ToList();
        foreach (var name in names.Where(ProfileName.IsValid))
        {
            await DeleteAsync(name, purge: false, reporter, cancellationToken);
        }

        if (purge)
        {
            PurgeHome();
            reporter.Info($"Successfully purged {paths.Home}.");
        }
        else if (names.Count == 0)
        {
            reporter.Info("No profiles to delete.");
        }
    }

    /// <summary>Asks every driver to remove what it made for the profile. A driver whose backend is absent has nothing to remove.</summary>
    private async Task PurgeLeftoversAsync(string profile, CancellationToken cancellationToken)
    {
        foreach (var descriptor in drivers.Descriptors)
        {
            try
            {
                var removed = await drivers.GetDriver(descriptor.Name).PurgeAsync(profile, paths.ProfileDirectory(profile), cancellationToken);
                foreach (var item in removed)
                {
                    Log.Purged(logger, item);
                }
            }
            catch (LocalKubeException e)
            {
                // e.g. Docker is not installed: then it holds nothing of ours either.
                Log.PurgeSkipped(logger, descriptor.Name, profile, e.Message);
            }
        }
    }

    private void PurgeHome()
    {
        if (Directory.Exists(paths.Home))
        {
            Directory.Delete(paths.Home, recursive: true);
        }
    }
}
