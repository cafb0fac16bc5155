using System.Security.Cryptography;
using System.Text;
using CliWrap;
using LocalKube.Abstractions.Errors;

namespace LocalKube.Abstractions.Drivers;

/// <summary>
/// The node image recipe (<c>images/node</c>): one folder that builds both the container image and the VM image,
/// identified by a hash of its files, so either image is rebuilt exactly when the recipe changes.
/// </summary>
public static class NodeImageRecipe
{
    /// <summary>
    /// The recipe folder: <paramref name="configured"/> when set, else <c>$LOCALKUBE_ASSETS/images/node</c>, else
    /// <c>images/node</c> next to the running program's folder (the published layout).
    /// </summary>
    public static string ResolveDirectory(string? configured, Func<string, string?> getEnvironmentVariable)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Path.GetFullPath(configured);
        }

        var assets = getEnvironmentVariable("LOCALKUBE_ASSETS");
        var root = string.IsNullOrWhiteSpace(assets) ? Path.Combine(AppContext.BaseDirectory, "..") : assets;
        return Path.GetFullPath(Path.Combine(root, "images", "node"));
    }

    /// <summary>
    /// The first 12 hex digits of SHA-256 over every file under <paramref name="recipeDirectory"/>: its relative name,
    /// length and contents, in ordinal order, so any change to the recipe gives a new hash.
    /// </summary>
    /// <exception cref="LocalKubeException"><see cref="Reasons.AssetNotFound"/> when the folder has no build.sh.</exception>
    public static string ComputeHash(string recipeDirectory)
    {
        if (!File.Exists(Path.Combine(recipeDirectory, "build.sh")))
        {
            throw new LocalKubeException(Reasons.AssetNotFound, $"The node image recipe is missing: no build.sh in {recipeDirectory}.");
        }

        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var files = Directory.EnumerateFiles(recipeDirectory, "*", SearchOption.AllDirectories)
            .Select(f => (Name: Path.GetRelativePath(recipeDirectory, f).Replace('\\', '/'), Path: f))
            .OrderBy(f => f.Name, StringComparer.Ordinal);
        foreach (var (name, path) in files)
        {
            var bytes = File.ReadAllBytes(path);
            sha.AppendData(Encoding.UTF8.GetBytes($"{name}\0{bytes.Length}\0"));
            sha.AppendData(bytes);
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset())[..12];
    }

    /// <summary>
    /// Runs the recipe's <c>build.sh</c> with <paramref name="arguments"/>, streaming its output lines to
    /// <paramref name="progress"/>.
    /// </summary>
    /// <exception cref="LocalKubeException"><see cref="Reasons.NodeImageBuild"/> with the script's last lines when it fails.</exception>
    public static async Task BuildAsync(
        string recipeDirectory,
        IReadOnlyList<string> arguments,
        IReadOnlyDictionary<string, string?> environment,
        string what,
        IProgress<string> progress,
        CancellationToken cancellationToken)
    {
        var errors = new Queue<string>();
        var result = await Cli.Wrap("/bin/sh")
            .WithArguments([Path.Combine(recipeDirectory, "build.sh"), .. arguments])
            .WithWorkingDirectory(recipeDirectory)
            .WithEnvironmentVariables(environment)
            .WithStandardOutputPipe(PipeTarget.ToDelegate(progress.Report))
            .WithStandardErrorPipe(PipeTarget.ToDelegate(line =>
            {
                progress.Report(line);
                lock (errors)
                {
                    errors.Enqueue(line);
                    if (errors.Count > 20)
                    {
                        errors.Dequeue();
                    }
                }
            }))
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync(cancellationToken)
            .ConfigureAwait(false);

        if (result.ExitCode != 0)
        {
            string tail;
            lock (errors)
            {
                tail = string.Join(Environment.NewLine, errors);
            }

            throw new LocalKubeException(Reasons.NodeImageBuild,
                $"Building {what} failed (build.sh exit code {result.ExitCode}):{Environment.NewLine}{tail}");
        }
    }
}
