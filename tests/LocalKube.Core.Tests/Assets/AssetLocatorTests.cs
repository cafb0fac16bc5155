using LocalKube.Abstractions.Errors;
using LocalKube.Core.Assets;
using LocalKube.Testing;

namespace LocalKube.Core.Tests.Assets;

[TestFixture]
public sealed class AssetLocatorTests
{
    private TempDirectory _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempDirectory();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private string MakeBundle(string artifacts)
    {
        var bundle = Path.Combine(artifacts, "node", "linux-x64");
        Directory.CreateDirectory(bundle);
        File.WriteAllText(Path.Combine(bundle, "localkube-node"), "");
        return bundle;
    }

    [Test]
    public void Variable_Set_UsesIt()
    {
        var artifacts = _temp.Combine("custom");
        var bundle = MakeBundle(artifacts);
        var recipe = Directory.CreateDirectory(Path.Combine(artifacts, "images", "node")).FullName;
        var locator = new AssetLocator(n => n == "LOCALKUBE_ASSETS" ? artifacts : null, _temp.Combine("elsewhere"));
        Assert.Multiple(() =>
        {
            Assert.That(locator.GetNodeBundleDirectory(), Is.EqualTo(bundle));
            Assert.That(locator.GetNodeImageRecipeDirectory(), Is.EqualTo(recipe));
        });
    }

    [Test]
    public void Variable_SetButEmptyFolder_ThrowsWithoutFallingBack()
    {
        // A bundle beside the CLI must not hide a wrong LOCALKUBE_ASSETS.
        MakeBundle(_temp.Combine("artifacts"));
        var locator = new AssetLocator(n => n == "LOCALKUBE_ASSETS" ? _temp.Combine("wrong") : null, _temp.Combine("artifacts", "bin"));
        var e = Assert.Throws<LocalKubeException>(() => locator.GetNodeBundleDirectory());
        Assert.Multiple(() =>
        {
            Assert.That(e!.Reason, Is.EqualTo(Reasons.AssetNotFound));
            Assert.That(e.Message, Does.Contain(_temp.Combine("wrong")).And.Contain("LOCALKUBE_ASSETS"));
        });
    }

    [Test]
    public void Published_BundleBesideTheCli_IsFound()
    {
        var bundle = MakeBundle(_temp.Combine("artifacts"));
        var locator = new AssetLocator(_ => null, _temp.Combine("artifacts", "bin") + Path.DirectorySeparatorChar);
        Assert.That(locator.GetNodeBundleDirectory(), Is.EqualTo(bundle));
    }

    [Test]
    public void SourceCheckout_WalksUpToTheSolution()
    {
        var repo = _temp.Combine("repo");
        File.WriteAllText(Path.Combine(Directory.CreateDirectory(repo).FullName, "LocalKube.sln"), "");
        var bundle = MakeBundle(Path.Combine(repo, "artifacts"));
        var recipe = Directory.CreateDirectory(Path.Combine(repo, "images", "node")).FullName;
        var baseDirectory = Directory.CreateDirectory(Path.Combine(repo, "src", "LocalKube.Cli", "bin", "Debug", "net10.0")).FullName;
        var locator = new AssetLocator(_ => null, baseDirectory);
        Assert.Multiple(() =>
        {
            Assert.That(locator.GetNodeBundleDirectory(), Is.EqualTo(bundle));
            Assert.That(locator.GetNodeImageRecipeDirectory(), Is.EqualTo(recipe));
        });
    }

    [Test]
    public void Missing_ThrowsNamingEveryPlaceSearched()
    {
        var repo = _temp.Combine("repo");
        File.WriteAllText(Path.Combine(Directory.CreateDirectory(repo).FullName, "LocalKube.sln"), "");
        var baseDirectory = Directory.CreateDirectory(Path.Combine(repo, "src", "bin")).FullName;
        var e = Assert.Throws<LocalKubeException>(() => new AssetLocator(_ => null, baseDirectory).GetNodeBundleDirectory());
        Assert.Multiple(() =>
        {
            Assert.That(e!.Reason, Is.EqualTo(Reasons.AssetNotFound));
            Assert.That(e.Message, Does.Contain(Path.Combine(repo, "src", "node", "linux-x64")));
            Assert.That(e.Message, Does.Contain(Path.Combine(repo, "artifacts", "node", "linux-x64")));
        });
    }
}
