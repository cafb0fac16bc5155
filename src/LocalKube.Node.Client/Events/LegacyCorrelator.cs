using k8s.Models;

namespace LocalKube.Node.Client.Events;

/// <summary>
/// The parts of client-go's core/v1 event correlator that sit before its dedup (<see cref="EventCorrelation.Legacy"/>):
/// the aggregator, which combines the eleventh and later message variants of one reason about one object within
/// <see cref="VariantWindow"/>, and the spam filter, a token bucket per reporter and object. Not thread-safe: the
/// broadcaster calls it under its write lock.
/// </summary>
internal sealed class LegacyCorrelator
{
    /// <summary>Message variants kept apart before the rest are combined (upstream's <c>maxEvents</c> of 10).</summary>
    public const int MaxVariants = 10;

    /// <summary>The note prefix of a combined event (upstream's text).</summary>
    public const string CombinedPrefix = "(combined from similar events): ";

    /// <summary>Events let through at once per reporter and object (upstream's burst).</summary>
    public const int SpamBurst = 25;

    /// <summary>The window of the variant count (upstream's 600 s).</summary>
    public static readonly TimeSpan VariantWindow = TimeSpan.FromMinutes(10);

    /// <summary>One more event per reporter and object after the burst (upstream's qps of 1/300).</summary>
    public static readonly TimeSpan SpamRefill = TimeSpan.FromMinutes(5);

    private readonly Dictionary<string, Variants> _variants = [];
    private readonly Dictionary<string, Bucket> _buckets = [];

    /// <summary>
    /// Counts <paramref name="evt"/>'s note among its reason's variants; from the tenth distinct one on, prefixes its
    /// note with <see cref="CombinedPrefix"/> and returns true (the event then joins the one combined event).
    /// </summary>
    public bool Aggregate(Eventsv1Event evt, DateTimeOffset now)
    {
        var key = AggregateKey(evt);
        if (!_variants.TryGetValue(key, out var variants) || now - variants.Last > VariantWindow)
        {
            variants = new Variants();
            _variants[key] = variants;
        }

        variants.Last = now;
        variants.Notes.Add(evt.Note ?? "");
        if (variants.Notes.Count < MaxVariants)
        {
            return false;
        }

        evt.Note = CombinedPrefix + evt.Note;
        return true;
    }

    /// <summary>Takes a token of <paramref name="evt"/>'s reporter and object; false when none is left (drop it).</summary>
    public bool Allow(Eventsv1Event evt, DateTimeOffset now)
    {
        var key = $"{evt.ReportingController}|{evt.ReportingInstance}|{ObjectKey(evt.Regarding)}";
        if (!_buckets.TryGetValue(key, out var bucket))
        {
            bucket = new Bucket { Tokens = SpamBurst, Last = now };
            _buckets[key] = bucket;
        }

        bucket.Tokens = Math.Min(SpamBurst, bucket.Tokens + ((now - bucket.Last) / SpamRefill));
        bucket.Last = now;
        if (bucket.Tokens < 1)
        {
            return false;
        }

        bucket.Tokens--;
        return true;
    }

    /// <summary>Forgets variant counts past their window and buckets that have refilled.</summary>
    public void Prune(DateTimeOffset now)
    {
        foreach (var (key, variants) in _variants.ToList())
        {
            if (now - variants.Last > VariantWindow)
            {
                _variants.Remove(key);
            }
        }

        foreach (var (key, bucket) in _buckets.ToList())
        {
            if (bucket.Tokens + ((now - bucket.Last) / SpamRefill) >= SpamBurst)
            {
                _buckets.Remove(key);
            }
        }
    }

    /// <summary>The combined event's identity: reporter, object (without field path), type, reason and action.</summary>
    public static string AggregateKey(Eventsv1Event evt) =>
        $"{evt.ReportingController}|{evt.ReportingInstance}|{ObjectKey(evt.Regarding)}|{evt.Type}|{evt.Reason}|{evt.Action}";

    // The object as the correlator keys it: no resourceVersion (each status write changes it) and no field path.
    private static string ObjectKey(V1ObjectReference r) => $"{r.ApiVersion}|{r.Kind}|{r.NamespaceProperty}|{r.Name}|{r.Uid}";

    private sealed class Variants
    {
        public HashSet<string> Notes { get; } = new(StringComparer.Ordinal);

        public DateTimeOffset Last { get; set; }
    }

    private sealed class Bucket
    {
        public double Tokens { get; set; }

        public DateTimeOffset Last { get; set; }
    }
}
