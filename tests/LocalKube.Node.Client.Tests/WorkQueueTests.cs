using LocalKube.Node.Client.Queue;
using Microsoft.Extensions.Time.Testing;

namespace LocalKube.Node.Client.Tests;

[TestFixture]
[Category("Unit")]
public sealed class WorkQueueTests
{
    [Test]
    public async Task An_item_added_twice_before_it_is_taken_is_processed_once()
    {
        using var queue = new WorkQueue<string>();
        queue.Add("a");
        queue.Add("b");
        queue.Add("a");
        Assert.That(queue.Length, Is.EqualTo(2));
        Assert.That((await queue.GetAsync(CancellationToken.None)).Item, Is.EqualTo("a"));
        Assert.That((await queue.GetAsync(CancellationToken.None)).Item, Is.EqualTo("b"));
        Assert.That(queue.Length, Is.Zero);
    }

    [Test]
    public async Task An_item_in_flight_is_never_handed_to_a_second_worker_and_comes_back_after_done()
    {
        using var queue = new WorkQueue<string>();
        queue.Add("a");
        var (first, _) = await queue.GetAsync(CancellationToken.None);
        queue.Add("a");
        Assert.That(queue.Length, Is.Zero, "held back while in flight");

        var second = queue.GetAsync(CancellationToken.None).AsTask();
        await Task.Delay(50);
        Assert.That(second.IsCompleted, Is.False);

        queue.Done(first!);
        Assert.That((await second.WaitAsync(TimeSpan.FromSeconds(5))).Item, Is.EqualTo("a"));
    }

    [Test]
    public async Task Rate_limited_adds_back_off_exponentially_per_item_until_forgotten()
    {
        var time = new FakeTimeProvider();
        using var queue = new WorkQueue<string>(time, new ExponentialBackoff<string>(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1)));
        queue.AddRateLimited("a");
        queue.AddRateLimited("a");
        queue.AddRateLimited("b");
        Assert.That((queue.NumRequeues("a"), queue.NumRequeues("b")), Is.EqualTo((2, 1)));
        Assert.That(queue.Length, Is.Zero);

        // "a" asked for 100 ms then 200 ms: the earlier wins; "b" 100 ms.
        time.Advance(TimeSpan.FromMilliseconds(99));
        Assert.That(queue.Length, Is.Zero);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.That(queue.Length, Is.EqualTo(2));
        await queue.GetAsync(CancellationToken.None);
        await queue.GetAsync(CancellationToken.None);
        queue.Done("a");
        queue.Done("b");

        // The third failure waits 400 ms, the fifth would wait 1.6 s but is capped at 1 s.
        queue.AddRateLimited("a");
        time.Advance(TimeSpan.FromMilliseconds(399));
        Assert.That(queue.Length, Is.Zero);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.That(queue.Length, Is.EqualTo(1));
        queue.AddRateLimited("a");
        queue.AddRateLimited("a");
        Assert.That(queue.NumRequeues("a"), Is.EqualTo(5));

        queue.Forget("a");
        Assert.That(queue.NumRequeues("a"), Is.Zero);
    }

    [Test]
    public void AddAfter_delays_an_item_and_the_earliest_of_two_delays_wins()
    {
        var time = new FakeTimeProvider();
        using var queue = new WorkQueue<string>(time);
        queue.AddAfter("a", TimeSpan.FromSeconds(10));
        queue.AddAfter("a", TimeSpan.FromSeconds(3));
        queue.AddAfter("b", TimeSpan.Zero);
        Assert.That(queue.Length, Is.EqualTo(1), "a zero delay adds at once");
        time.Advance(TimeSpan.FromSeconds(3));
        Assert.That(queue.Length, Is.EqualTo(2));
        time.Advance(TimeSpan.FromSeconds(7));
        Assert.That(queue.Length, Is.EqualTo(2), "the later delay of the same item does not add it twice");
    }

    [Test]
    public async Task Shutdown_hands_out_what_is_queued_then_reports_shutdown_and_drain_waits_for_the_items_in_flight()
    {
        using var queue = new WorkQueue<string>();
        queue.Add("a");
        queue.Add("b");
        var (a, _) = await queue.GetAsync(CancellationToken.None);
        var drained = queue.ShutDownWithDrainAsync(CancellationToken.None);
        queue.Add("c");

        var (b, shutdownB) = await queue.GetAsync(CancellationToken.None);
        Assert.That((b, shutdownB), Is.EqualTo(("b", false)), "queued items are still handed out");
        var (none, shutdown) = await queue.GetAsync(CancellationToken.None);
        Assert.That((none, shutdown), Is.EqualTo(((string?)null, true)), "'c' came after the shutdown");

        queue.Done(b!);
        await Task.Delay(50);
        Assert.That(drained.IsCompleted, Is.False, "'a' is still in flight");
        queue.Done(a!);
        await drained.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Test]
    public async Task A_waiting_worker_wakes_on_shutdown()
    {
        using var queue = new WorkQueue<string>();
        var waiting = queue.GetAsync(CancellationToken.None).AsTask();
        queue.ShutDown();
        Assert.That((await waiting.WaitAsync(TimeSpan.FromSeconds(5))).Shutdown, Is.True);
    }

    [Test]
    public async Task A_cancelled_waiter_does_not_swallow_the_next_item()
    {
        using var queue = new WorkQueue<string>();
        using var cancel = new CancellationTokenSource();
        var abandoned = queue.GetAsync(cancel.Token).AsTask();
        await cancel.CancelAsync();
        Assert.CatchAsync<OperationCanceledException>(async () => await abandoned);
        var waiting = queue.GetAsync(CancellationToken.None).AsTask();
        queue.Add("a");
        Assert.That((await waiting.WaitAsync(TimeSpan.FromSeconds(5))).Item, Is.EqualTo("a"));
    }
}
