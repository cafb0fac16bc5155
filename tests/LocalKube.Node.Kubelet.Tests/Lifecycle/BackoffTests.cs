using LocalKube.Node.Kubelet.Lifecycle;
using LocalKube.Node.Kubelet.Runtime;
using Microsoft.Extensions.Time.Testing;

namespace LocalKube.Node.Kubelet.Tests.Lifecycle;

[TestFixture]
[Category("Unit")]
public sealed class BackoffTests
{
    [Test]
    public void Crash_loop_schedule_is_immediate_then_10_20_40_to_300_seconds()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var backoff = Backoff.ForContainers(time);
        var delays = new List<string>();
        for (var crash = 0; crash < 8; crash++)
        {
            var finished = time.GetUtcNow();
            if (backoff.IsInBackOffSince("k", finished))
            {
                delays.Add(GoDuration.Format(backoff.Get("k")));
                time.Advance(backoff.Get("k"));
                Assert.That(backoff.IsInBackOffSince("k", finished), Is.False, "the window ends after the delay");
            }
            else
            {
                delays.Add("0s");
            }

            backoff.Next("k", finished);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.That(delays, Is.EqualTo(new[] { "0s", "10s", "20s", "40s", "1m20s", "2m40s", "5m0s", "5m0s" }));
    }

    [Test]
    public void Resets_after_running_ten_minutes()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var backoff = Backoff.ForContainers(time);
        backoff.Next("k", time.GetUtcNow());
        backoff.Next("k", time.GetUtcNow());
        Assert.That(backoff.Get("k"), Is.EqualTo(TimeSpan.FromSeconds(20)));
        time.Advance(TimeSpan.FromMinutes(11));
        var finished = time.GetUtcNow();
        Assert.That(backoff.IsInBackOffSince("k", finished), Is.False);
        backoff.Next("k", finished);
        Assert.That(backoff.Get("k"), Is.EqualTo(TimeSpan.FromSeconds(10)));
        time.Advance(TimeSpan.FromMinutes(11));
        backoff.Collect();
        Assert.That(backoff.Get("k"), Is.EqualTo(TimeSpan.Zero));
    }
}
