using System.Text.Json;
using LocalKube.Abstractions.Errors;
using LocalKube.Core.IO;
using LocalKube.Core.Paths;

namespace LocalKube.Core.Profiles;

/// <summary>Reads and writes profile configs (<c>profiles/&lt;name&gt;/config.json</c>).</summary>
public sealed class ProfileStore(LocalKubePaths paths)
{
    /// <summary>Every profile folder, valid or not.</summary>
    public async Task<ProfileList> ListAsync(CancellationToken cancellationToken)
    {
        var valid = new List<ClusterConfig>();
        var invalid = new List<InvalidProfile>();
        if (!Directory.Exists(paths.ProfilesDirectory))
        {
            return new ProfileList(valid, invalid);
        }

        var folders = Directory.EnumerateDirectories(paths.ProfilesDirectory)
            .Order(StringComparer.Ordinal)
            .ToList();
        foreach (var folder in folders)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = Path.GetFileName(folder);
            var problem = ProfileName.Check(name);
            if (problem is not null)
            {
                invalid.Add(new InvalidProfile(name, folder, $"invalid name: {problem}"));
                continue;
            }

            try
            {
                var config = await LoadAsync(name, cancellationToken);
                if (config is null)
                {
                    invalid.Add(new InvalidProfile(name, folder, "config.json is missing"));
                }
                else if (!string.Equals(config.Name, name, StringComparison.Ordinal))
                {
                    invalid.Add(new InvalidProfile(name, folder, $"config.json names the profile '{config.Name}', not '{name}'"));
                }
                else
                {
                    valid.Add(config);
                }
            }
            catch (LocalKubeException e) when (e.Reason == Reasons.ProfileCorrupt)
            {
                invalid.Add(new InvalidProfile(name, folder, e.Message));
            }
        }

        return new ProfileList(valid, invalid);
    }

    /// <summary>True when the profile has a config file (readable or not).</summary>
    public bool Exists(string profile) => File.Exists(paths.ProfileConfigFile(profile));

    /// <summary>Loads a profile's config; null when it has none.</summary>
    /// <exception cref="LocalKubeException"><see cref="Reasons.ProfileCorrupt"/> naming the file and the JSON error line.</exception>
    public async Task<ClusterConfig?> LoadAsync(string profile, CancellationToken cancellationToken)
    {
        var file = paths.ProfileConfigFile(profile);
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(file, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LocalKubeException(Reasons.ProfileCorrupt, $"Cannot read the profile config '{file}': {e.Message}", e);
        }

        ClusterConfig? config;
        try
        {
            config = JsonSerializer.Deserialize(bytes, ProfileJsonContext.Default.ClusterConfig);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" at line {line + 1}, position {e.BytePositionInLine + 1}" : "";
            throw new LocalKubeException(
                Reasons.ProfileCorrupt,
                $"The profile config '{file}' is not valid{where}: {e.Message}",
                e);
        }

        if (config is null)
        {
            throw new LocalKubeException(Reasons.ProfileCorrupt, $"The profile config '{file}' is empty (null).");
        }

        if (config.SchemaVersion is < 1 or > ClusterConfig.CurrentSchemaVersion)
        {
            throw new LocalKubeException(
                Reasons.ProfileCorrupt,
                $"The profile config '{file}' has schemaVersion {config.SchemaVersion}; this LocalKube reads 1 to {ClusterConfig.CurrentSchemaVersion}. "
                + "It may come from a newer LocalKube.");
        }

        return config;
    }

    /// <summary>Writes a profile's config atomically, mode 0600, creating its folder.</summary>
    /// <exception cref="LocalKubeException"><see cref="Reasons.ProfileNameInvalid"/> for a bad name.</exception>
    public async Task SaveAsync(ClusterConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        ProfileName.Validate(config.Name);
        paths.EnsureDirectory(paths.ProfileDirectory(config.Name));
        var json = JsonSerializer.SerializeToUtf8Bytes(config with { SchemaVersion = ClusterConfig.CurrentSchemaVersion }, ProfileJsonContext.Default.ClusterConfig);
        await AtomicFile.WriteAllBytesAsync(paths.ProfileConfigFile(config.Name), json, AtomicFile.Private, cancellationToken);
    }

    /// <summary>
    /// Removes the profile's folder with everything in it (config, certs, logs, machine state). Works whatever the
    /// state of <c>config.json</c>. Returns false when there was nothing to remove.
    /// </summary>
    public Task<bool> DeleteAsync(string profile, CancellationToken cancellationToken)
    {
        var folder = paths.ProfileDirectory(profile);
        cancellationToken.ThrowIfCancellationRequested();
        if (!Directory.Exists(folder))
        {
            return Task.FromResult(false);
        }

        // A big machine folder (process driver data) can take a while: keep the caller's thread free.
        return Task.Run(
            () =>
            {
                Directory.Delete(folder, recursive: true);
                return true;
            },
            cancellationToken);
    }
}
