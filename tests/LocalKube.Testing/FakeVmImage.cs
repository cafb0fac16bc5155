using LocalKube.Abstractions.Drivers;

namespace LocalKube.Testing;

/// <summary>
/// A built VM node image for drivers tested against fake hypervisors: a stand-in recipe (a build.sh that always
/// fails, so a test never builds for real) and, in its cache folder under the recipe's hash, the named files and a
/// manifest.
/// </summary>
public sealed record FakeVmImage(string RecipeDirectory, string CacheDirectory, string ImageDirectory)
{
    /// <summary>Writes the recipe, the cache and the image files (each holding its own name) under <paramref name="root"/>.</summary>
    public static FakeVmImage Create(string root, params string[] files)
    {
        var recipe = Path.Combine(root, "recipe");
        Directory.CreateDirectory(recipe);
        File.WriteAllText(Path.Combine(recipe, "build.sh"), "#!/bin/sh\nexit 1\n");
        var cache = Path.Combine(root, "images");
        var image = Path.Combine(cache, NodeImageRecipe.ComputeHash(recipe));
        Directory.CreateDirectory(image);
        foreach (var file in files)
        {
            File.WriteAllText(Path.Combine(image, file), file);
        }

        File.WriteAllText(Path.Combine(image, "manifest.json"), "{\"kernel\":\"6.1.0-50-amd64\"}");
        return new FakeVmImage(recipe, cache, image);
    }

    /// <summary>Copies the fake tool <paramref name="name"/> from the test's <c>fakes</c> folder into <paramref name="bin"/>, executable.</summary>
    public static string InstallFake(string bin, string name)
    {
        Directory.CreateDirectory(bin);
        var path = Path.Combine(bin, name);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "fakes", name), path);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        }

        return path;
    }
}
