using LocalKube.Dashboard.Watch;

namespace LocalKube.Dashboard.Tests.Unit;

[TestFixture]
[Category("Unit")]
public sealed class WatchRequestTests
{
    [TestCase("/api/v1/pods", true)]
    [TestCase("/api/v1/namespaces/web/pods", true)]
    [TestCase("/apis/apps/v1/deployments", true)]
    [TestCase("/apis/apps/v1/namespaces/web/deployments", true)]
    [TestCase("/apis/example.com/v1alpha1/namespaces/a/widgets", true)]
    [TestCase("/api/v1/namespaces/web/pods/p/log", false)]
    [TestCase("/api/v1/namespaces/web/pods/p", false)]
    [TestCase("/api/v1/../../readyz", false)]
    [TestCase("/readyz", false)]
    [TestCase("/api/v1/pods?watch=1", false)]
    [TestCase("/api//v1/pods", false)]
    [TestCase("api/v1/pods", false)]
    public void OnlyCollectionsCanBeWatched(string path, bool valid) => Assert.That(new WatchRequest(path, true).IsValid(), Is.EqualTo(valid));

    [Test]
    public void Query_EscapesSelectors() =>
        Assert.That(new WatchRequest("/api/v1/pods", true, "app in (a,b)", "metadata.name=x").Query(("watch", "true"), ("continue", null)),
            Is.EqualTo("?labelSelector=app%20in%20%28a%2Cb%29&fieldSelector=metadata.name%3Dx&watch=true"));
}
