namespace LocalKube.Drivers.Vm.Image;

/// <summary>Where the VM node image comes from and where built images are kept.</summary>
public sealed class VmImageOptions
{
    /// <summary>
    /// The default image cache: on Linux next to the debootstrap cache that the build shares; elsewhere (where images
    /// built on Linux are copied to) the user's cache folder.
    /// </summary>
    public static string DefaultCacheDirectory { get; } =
        OperatingSystem.IsLinux() ? "/var/cache/localkube/vm"
        : OperatingSystem.IsMacOS() ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), "Library", "Caches", "localkube", "vm")
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "localkube", "vm");

    /// <summary>
    /// The node image recipe folder. Null means <c>$LOCALKUBE_ASSETS/images/node</c>, else <c>images/node</c> next to
    /// the running program's folder.
    /// </summary>
    public string? RecipeDirectory { get; set; }

    /// <summary>
    /// Where built images live, one folder per recipe hash. Null means <c>$LOCALKUBE_VM_IMAGES</c>, else
    /// <see cref="DefaultCacheDirectory"/>: machine-wide like the docker image store, since building needs root anyway.
    /// </summary>
    public string? CacheDirectory { get; set; }

    /// <summary>Reads an environment variable. Replaceable so tests can simulate hosts.</summary>
    public Func<string, string?> GetEnvironmentVariable { get; set; } = Environment.GetEnvironmentVariable;

    /// <summary>The cache folder this configuration resolves to.</summary>
    public string ResolveCacheDirectory() =>
        Path.GetFullPath(CacheDirectory
            ?? (GetEnvironmentVariable("LOCALKUBE_VM_IMAGES") is { Length: > 0 } fromEnvironment ? fromEnvironment : DefaultCacheDirectory));
}
