using LocalKube.Node.Kubelet.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace LocalKube.Node.Kubelet.Tests.Server;

/// <summary>
/// <c>/containerLogs</c>' query as upstream's kubelet decodes (400) and validates (422) it; kept from the kubelet fuzz
/// target, whose first run answered <c>sinceSeconds=9223372036854775807</c> with a 500 (DateTimeOffset overflow).
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class LogQueryTests
{
    [TestCase("sinceSeconds=9223372036854775807")]
    [TestCase("sinceSeconds=63900000000")]
    [TestCase("tailLines=9223372036854775807")]
    [TestCase("limitBytes=9223372036854775807")]
    [TestCase("sinceTime=9999-12-31T23:59:59-23:59")]
    [TestCase("sinceTime=0001-01-01T00:00:00%2B01:00")]
    [TestCase("sinceTime=0000-01-01T00:00:00Z")]
    [TestCase("sinceTime=2026-01-01T00:00:00.123456789Z")]
    [TestCase("sinceTime=&tail=all")]
    [TestCase("follow=&previous=yes&timestamps=FALSE")]
    public void Extreme_but_valid_values_are_read(string query)
    {
        var parsed = LogQuery.Parse(Query(query));
        Assert.That((parsed.Status, parsed.Error), Is.EqualTo((200, (string?)null)));
    }

    [TestCase("tailLines=abc", "tailLines")]
    [TestCase("tailLines=", "tailLines")]
    [TestCase("tailLines=%205", "tailLines")]
    [TestCase("tailLines=1e3", "tailLines")]
    [TestCase("sinceSeconds=9223372036854775808", "sinceSeconds")]
    [TestCase("limitBytes=NaN", "limitBytes")]
    [TestCase("tail=x", "tailLines")]
    [TestCase("sinceTime=2026-01-01", "sinceTime")]
    [TestCase("sinceTime=2026-01-01 00:00:00Z", "sinceTime")]
    [TestCase("sinceTime=2026-13-45T25:61:61Z", "sinceTime")]
    [TestCase("sinceTime=2026-02-30T00:00:00Z", "sinceTime")]
    [TestCase("sinceTime=2026-01-01t00:00:00z", "sinceTime")]
    [TestCase("sinceTime=2026-01-01T00:00:00%2B25:00", "sinceTime")]
    public void Values_that_do_not_decode_are_400(string query, string field)
    {
        var parsed = LogQuery.Parse(Query(query));
        Assert.That(parsed.Status, Is.EqualTo(400));
        Assert.That(parsed.Error, Does.StartWith($"Unable to decode query: {field}: "));
    }

    [TestCase("tailLines=-1", "tailLines: Invalid value: -1: must be greater than or equal to 0")]
    [TestCase("limitBytes=0", "limitBytes: Invalid value: 0: must be greater than 0")]
    [TestCase("sinceSeconds=-5", "sinceSeconds: Invalid value: -5: must be greater than 0")]
    [TestCase("sinceSeconds=5&sinceTime=2026-01-01T00:00:00Z", "at most one of `sinceTime` or `sinceSeconds` may be specified")]
    public void Values_out_of_range_are_422(string query, string message)
    {
        var parsed = LogQuery.Parse(Query(query));
        Assert.That(parsed.Status, Is.EqualTo(422));
        Assert.That(parsed.Error, Does.Contain(message));
    }

    [Test]
    public void Values_are_read_as_upstream()
    {
        var parsed = LogQuery.Parse(Query("tailLines=5&tailLines=x&limitBytes=%2B10&follow=&previous=0&timestamps=True&sinceTime=2026-01-01T01:00:00.5%2B01:00"));
        Assert.Multiple(() =>
        {
            Assert.That(parsed.Options.TailLines, Is.EqualTo(5), "the first value of a repeated name");
            Assert.That(parsed.LimitBytes, Is.EqualTo(10));
            Assert.That(parsed.Options.Follow, Is.True, "a flag present and not 0/false is true");
            Assert.That(parsed.Previous, Is.False);
            Assert.That(parsed.Timestamps, Is.True);
            Assert.That(parsed.Options.Since, Is.EqualTo(new DateTimeOffset(2026, 1, 1, 0, 0, 0, 500, TimeSpan.Zero)));
        });
        Assert.That(LogQuery.Parse(Query("tail=all&tailLines=3")).Options.TailLines, Is.Null, "the legacy tail=all means the whole log");
        Assert.That(LogQuery.Parse(Query("sinceSeconds=9223372036854775807")).Options.Since, Is.Null, "beyond year 1 is the whole log");
        Assert.That(LogQuery.Parse(Query("stream=Stdout")).Status, Is.EqualTo(400), "no stream selection without its feature gate");
    }

    private static QueryCollection Query(string text) => new(QueryHelpers.ParseQuery("?" + text));
}
