using LocalKube.Abstractions.Errors;
using LocalKube.Core.Paths;
using LocalKube.Core.Tests.Support;
using LocalKube.Testing;

namespace LocalKube.Core.Tests.Paths;

[TestFixture]
public sealed class LocalKubePathsTests
{
    [Test]
    public void FromEnvironment_HomeVariableSet_UsesIt()
    {
        using var temp = new TempDirectory();
        var paths = LocalKubePaths.FromEnvironment(name => name == "LOCALKUBE_HOME" ? temp.Path : null);
        Assert.That(paths.Home, Is.EqualTo(temp.Path));
    }

    [Test]
    public void FromEnvironment_HomeVariableUnset_DefaultsToDotLocalkubeInUserProfile()
    {
        var paths = LocalKubePaths.FromEnvironment(_ => null);
        var expected = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".localkube");
        Assert.That(paths.Home, Is.EqualTo(expected));
    }

    [Test]
    public void Getters_FollowTheDesignLayout_WithoutTouchingTheDisk()
    {
        using var temp = new TempDirectory();
        var home = temp.Combine("home");
        var paths = new LocalKubePaths(home);
        Assert.Multiple(() =>
        {
            Assert.That(paths.ProfileConfigFile("dev"), Is.EqualTo(Path.Combine(home, "profiles", "dev", "config.json")));
            Assert.That(paths.CertsDirectory("dev"), Is.EqualTo(Path.Combine(home, "profiles", "dev", "certs")));
            Assert.That(paths.LastStartLog("dev"), Is.EqualTo(Path.Combine(home, "profiles", "dev", "logs", "last-start.log")));
            Assert.That(paths.MachineDirectory("dev", "dev-m02"), Is.EqualTo(Path.Combine(home, "profiles", "dev", "machines", "dev-m02")));
            Assert.That(paths.CacheDirectory, Is.EqualTo(Path.Combine(home, "cache")));
            Assert.That(Directory.Exists(home), Is.False);
        });
    }

    [TestCase("..")]
    [TestCase("a/b")]
    [TestCase("")]
    public void ProfileDirectory_NameThatIsNotASegment_Throws(string name)
    {
        var paths = new LocalKubePaths("/tmp/x");
        var e = Assert.Throws<LocalKubeException>(() => paths.ProfileDirectory(name));
        Assert.That(e!.Reason, Is.EqualTo(Reasons.ProfileNameInvalid));
    }

    [Test]
    public void EnsureDirectory_CreatesNestedFoldersOwnerOnly()
    {
        UnixMode.RequireUnix();
        using var temp = new TempDirectory();
        var paths = new LocalKubePaths(temp.Combine("home"));
        var certs = paths.EnsureDirectory(paths.CertsDirectory("dev"));
        Assert.Multiple(() =>
        {
            Assert.That(Directory.Exists(certs), Is.True);
            Assert.That(UnixMode.Of(certs), Is.EqualTo("700"));
            Assert.That(UnixMode.Of(paths.Home), Is.EqualTo("700"));
        });
    }

    [Test]
    public void EnsureHome_Unwritable_ThrowsHomeNotWritableNamingThePath()
    {
        using var temp = new TempDirectory();
        // A file where a folder must go fails for root too, unlike permission bits.
        var blocker = temp.Combine("file");
        File.WriteAllText(blocker, "x");
        var paths = new LocalKubePaths(Path.Combine(blocker, "home"));
        var e = Assert.Throws<LocalKubeException>(() => paths.EnsureHome());
        Assert.Multiple(() =>
        {
            Assert.That(e!.Reason, Is.EqualTo(Reasons.HomeNotWritable));
            Assert.That(e.Message, Does.Contain(paths.Home));
        });
    }
}
