using LocalKube.Abstractions.Errors;
using LocalKube.Core.IO;

namespace LocalKube.Core.Paths;

/// <summary>
/// The only type that knows where LocalKube keeps things on the host (minikube's <c>localpath</c>).
/// </summary>
/// <remarks>
/// Layout, under <see cref="Home"/> (<c>$LOCALKUBE_HOME</c>, default <c>~/.localkube</c>):
/// <code>
/// profiles/&lt;profile&gt;/config.json
/// profiles/&lt;profile&gt;/certs/
/// profiles/&lt;profile&gt;/logs/last-start.log
/// profiles/&lt;profile&gt;/machines/&lt;machine&gt;/
/// cache/
/// </code>
/// Path getters never touch the disk; <see cref="EnsureDirectory"/> creates folders (mode 0700 on Unix).
/// </remarks>
public sealed class LocalKubePaths
{
    /// <summary>The environment variable that relocates the home folder.</summary>
    public const string HomeVariable = "LOCALKUBE_HOME";

    /// <summary>Creates the layout rooted at an explicit home folder (tests, or an already resolved home).</summary>
    public LocalKubePaths(string home)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(home);
        Home = Path.GetFullPath(home);
    }

    /// <summary>The LocalKube home folder.</summary>
    public string Home { get; }

    /// <summary>Folder holding one sub-folder per profile.</summary>
    public string ProfilesDirectory => Path.Combine(Home, "profiles");

    /// <summary>Cache shared by all profiles; survives <c>delete</c>.</summary>
    public string CacheDirectory => Path.Combine(Home, "cache");

    /// <summary>
    /// Resolves the home from <c>LOCALKUBE_HOME</c>, else <c>~/.localkube</c>.
    /// </summary>
    /// <param name="getVariable">Reads an environment variable; defaults to the process environment.</param>
    public static LocalKubePaths FromEnvironment(Func<string, string?>? getVariable = null)
    {
        getVariable ??= Environment.GetEnvironmentVariable;
        var home = getVariable(HomeVariable);
        if (string.IsNullOrWhiteSpace(home))
        {
            home = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".localkube");
        }

        return new LocalKubePaths(home);
    }

    /// <summary>The profile's folder. Deleting it removes everything the profile owns on the host.</summary>
    public string ProfileDirectory(string profile) => Path.Combine(ProfilesDirectory, CheckSegment(profile, nameof(profile)));

    /// <summary>The profile's <c>config.json</c> (a <see cref="Profiles.ClusterConfig"/>).</summary>
    public string ProfileConfigFile(string profile) => Path.Combine(ProfileDirectory(profile), "config.json");

    /// <summary>The profile's certificate folder (<c>ca.crt</c>, <c>apiserver.crt</c>, ...).</summary>
    public string CertsDirectory(string profile) => Path.Combine(ProfileDirectory(profile), "certs");

    /// <summary>The profile's log folder.</summary>
    public string LogsDirectory(string profile) => Path.Combine(ProfileDirectory(profile), "logs");

    /// <summary>The diagnostic log of the last <c>start</c> of the profile.</summary>
    public string LastStartLog(string profile) => Path.Combine(LogsDirectory(profile), "last-start.log");

    /// <summary>Folder holding one state folder per machine of the profile.</summary>
    public string MachinesDirectory(string profile) => Path.Combine(ProfileDirectory(profile), "machines");

    /// <summary>A machine's state folder: <see cref="Abstractions.Drivers.MachineRef.StateDirectory"/>.</summary>
    public string MachineDirectory(string profile, string machine) =>
        Path.Combine(MachinesDirectory(profile), CheckSegment(machine, nameof(machine)));

    /// <summary>Creates the home folder if needed and returns it.</summary>
    /// <exception cref="LocalKubeException"><see cref="Reasons.HomeNotWritable"/> when it cannot be created.</exception>
    public string EnsureHome() => EnsureDirectory(Home);

    /// <summary>
    /// Creates <paramref name="path"/> and its missing parents, owner-only (0700) on Unix, and returns it.
    /// </summary>
    /// <exception cref="LocalKubeException"><see cref="Reasons.HomeNotWritable"/> naming the folder that failed.</exception>
    public string EnsureDirectory(string path)
    {
        var full = Path.GetFullPath(path);
        try
        {
            UnixPermissions.CreatePrivateDirectory(full);
            return full;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LocalKubeException(
                Reasons.HomeNotWritable,
                $"Cannot create the folder '{full}' (LocalKube home '{Home}'): {e.Message}",
                e);
        }
    }

    // Names become path segments: refuse anything that could climb out of the home.
    private static string CheckSegment(string name, string what)
    {
        if (string.IsNullOrWhiteSpace(name)
            || name is "." or ".."
            || name.IndexOfAny([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar, '\0']) >= 0)
        {
            throw new LocalKubeException(
                Reasons.ProfileNameInvalid,
                $"The {what} name '{name}' cannot be used as a folder name.");
        }

        return name;
    }
}
