using Docker.DotNet.Models;
using LocalKube.Abstractions.Errors;
using LocalKube.Testing;
using NUnit.Framework;

namespace LocalKube.Drivers.Docker.Tests;

/// <summary>
/// The build-when-missing path of <see cref="DockerNodeImage"/>, with stand-in recipes (a real debootstrap takes about
/// 40 s; the real recipe is built by the first node test of a fresh machine).
/// </summary>
[RequiresDocker]
public sealed class DockerNodeImageTests
{
    private TempDirectory _temp = null!;
    private string _repository = null!;

    [SetUp]
    public void SetUp()
    {
        _temp = new TempDirectory("lkt");
        _repository = $"lkt/node-{Guid.NewGuid():N}"[..20];
    }

    [TearDown]
    public async Task TearDown()
    {
        using var docker = DockerTestSupport.Client();
        var images = await docker.Images.ListImagesAsync(new ImagesListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["reference"] = new Dictionary<string, bool> { [_repository] = true } },
        }, CancellationToken.None);
        foreach (var tag in images.SelectMany(i => i.RepoTags ?? []))
        {
            await docker.Images.DeleteImageAsync(tag, new ImageDeleteParameters(), CancellationToken.None);
        }

        _temp.Dispose();
    }

    [Test]
    public async Task EnsureAsync_RunsBuildSh_WhenTheTagIsMissing_AndStreamsItsLines()
    {
        // Stand-in build: tag the real node image under the requested name (as build.sh would after importing).
        var real = await new DockerNodeImage(DockerTestSupport.Options()).EnsureAsync(null, DockerTestSupport.Progress(), CancellationToken.None);
        var recipe = Recipe($"#!/bin/sh\nset -e\necho \"==> building $1\"\ndocker tag {real} \"$1\"\necho \"==> built $1\"\n");
        var image = new DockerNodeImage(new DockerDriverOptions { RecipeDirectory = recipe, ImageRepository = _repository });

        var lines = new List<string>();
        var progress = new Collector(lines);
        var tag = await image.EnsureAsync(null, progress, CancellationToken.None);

        Assert.That(tag, Is.EqualTo(image.Tag).And.StartWith(_repository + ":"));
        Assert.That(lines, Has.Some.EqualTo($"==> building {tag}").And.Some.EqualTo($"==> built {tag}"));

        lines.Clear();
        Assert.That(await image.EnsureAsync(null, progress, CancellationToken.None), Is.EqualTo(tag));
        Assert.That(lines, Is.Empty, "an existing tag is not rebuilt");
    }

    [Test]
    public void EnsureAsync_ReportsAFailedBuild_WithItsOutput()
    {
        var recipe = Recipe("#!/bin/sh\necho 'build.sh: error: debootstrap failed' >&2\nexit 3\n");
        var image = new DockerNodeImage(new DockerDriverOptions { RecipeDirectory = recipe, ImageRepository = _repository });
        var e = Assert.ThrowsAsync<LocalKubeException>(() => image.EnsureAsync(null, new Collector([]), CancellationToken.None));
        Assert.That(e!.Reason, Is.EqualTo(Reasons.NodeImageBuild));
        Assert.That(e.Message, Does.Contain("exit code 3").And.Contain("debootstrap failed"));
    }

    [Test]
    public async Task EnsureAsync_UsesAnExistingBaseImage_AsIs()
    {
        var real = await new DockerNodeImage(DockerTestSupport.Options()).EnsureAsync(null, DockerTestSupport.Progress(), CancellationToken.None);
        var image = new DockerNodeImage(new DockerDriverOptions { RecipeDirectory = _temp.Combine("none") });
        Assert.That(await image.EnsureAsync(real, new Collector([]), CancellationToken.None), Is.EqualTo(real));
    }

    private string Recipe(string script)
    {
        var dir = _temp.Combine("recipe");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "build.sh"), script);
        return dir;
    }

    private sealed class Collector(List<string> lines) : IProgress<string>
    {
        public void Report(string value)
        {
            lock (lines)
            {
                lines.Add(value);
            }
        }
    }
}
