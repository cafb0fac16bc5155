using LocalKube.Core.Kubeconfig;

namespace LocalKube.Core.Tests.Kubeconfig;

[TestFixture]
public sealed class KubeconfigLocatorTests
{
    [Test]
    public void Resolve_KubeconfigList_TakesTheFirstEntry() =>
        Assert.That(KubeconfigLocator.Resolve(_ => $"/tmp/a/config{Path.PathSeparator}/tmp/b/config"), Is.EqualTo("/tmp/a/config"));

    [Test]
    public void Resolve_LeadingEmptyEntries_AreSkipped() =>
        Assert.That(KubeconfigLocator.Resolve(_ => $"{Path.PathSeparator}/tmp/b/config"), Is.EqualTo("/tmp/b/config"));

    [TestCase(null)]
    [TestCase("")]
    public void Resolve_Unset_IsDotKubeConfig(string? value) =>
        Assert.That(
            KubeconfigLocator.Resolve(_ => value),
            Is.EqualTo(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config")));
}
