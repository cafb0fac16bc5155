using System.Runtime.CompilerServices;
using LocalKube.Node.Storage.Protocol;

namespace LocalKube.Node.ApiServer.Rest;

/// <summary>
/// One watch event: ADDED, MODIFIED, DELETED (with the object), BOOKMARK, ERROR (with a Status), or the internal
/// SYNC (initial events done) and PROGRESS (every change through <see cref="Revision"/> was seen, none for this
/// watch), which move the watch's resourceVersion without sending anything.
/// </summary>
/// <param name="Type">The event type.</param>
/// <param name="Object">The object (resourceVersion set); null for BOOKMARK and ERROR.</param>
/// <param name="Revision">The event's revision.</param>
/// <param name="Error">The error of an ERROR event.</param>
public sealed record WatchEvent(string Type, StoredObject? Object, long Revision, StatusException? Error = null)
{
    /// <summary>Marks the bookmark that ends the initial events of a <c>sendInitialEvents</c> watch.</summary>
    public bool InitialEventsEnd { get; init; }
}

public sealed partial class ResourceStore
{
    /// <summary>
    /// Watches a collection: with resourceVersion unset or "0" (or <paramref name="sendInitialEvents"/>), first a
    /// synthetic ADDED per matching object at the current revision; then every change after it, filtered by the
    /// selectors (an object that starts or stops matching is ADDED or DELETED; a change filtered out is a PROGRESS event
    /// with no object, which only moves bookmarks on). A compacted start revision ends the
    /// stream with an ERROR event carrying 410 Expired.
    /// </summary>
    public async IAsyncEnumerable<WatchEvent> WatchAsync(
        RestResource resource, string? ns, ListOptions options, bool sendInitialEvents, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(options);
        var rv = options.ResourceVersion;
        long from;
        if (string.IsNullOrEmpty(rv) || rv == "0" || sendInitialEvents)
        {
            var initial = await ListAsync(resource, ns, options with { Limit = 0, Continue = null, ResourceVersion = null, ResourceVersionMatch = null }, cancellationToken);
            foreach (var item in initial.Items)
            {
                yield return new WatchEvent("ADDED", item, item.ModRevision);
            }

            from = initial.Revision;
            yield return new WatchEvent("SYNC", null, from);
            if (sendInitialEvents)
            {
                // The end of the initial state, as a bookmark annotated the way upstream's WatchList does.
                yield return new WatchEvent("BOOKMARK", null, from) { InitialEventsEnd = true };
            }
        }
        else
        {
            from = ParseRevision(rv);
        }

        var byName = options.Fields.RequiredValue("metadata.name");
        var single = byName is not null && (ns is not null || !resource.Namespaced);

        // A start before the compaction point is 410. Checked with a read at that revision rather than trusted to
        // the watch, which not every backend cancels when it starts below the compacted revision.
        var compactedAt = await CompactedSinceAsync(resource.Prefix(ns), from, cancellationToken);
        if (compactedAt > 0)
        {
            yield return new WatchEvent("ERROR", null, from, StatusException.Expired($"too old resource version: {from} ({compactedAt})"));
            yield break;
        }

        var request = new WatchCreateRequest
        {
            Key = Bytes(single ? resource.Key(ns, byName!) : resource.Prefix(ns)),
            StartRevision = from + 1,
            PrevKv = true,

            // Quiet watches still learn that the revision moved on, so their bookmarks do not fall behind compaction.
            ProgressNotify = true,
        };
        if (!single)
        {
            request.RangeEnd = RangeEnd(resource.Prefix(ns));
        }

        await foreach (var response in Store.WatchAsync(request, cancellationToken))
        {
            if (response.CompactRevision > 0 || (response.Canceled && !response.Created))
            {
                var compacted = response.CompactRevision > 0 ? response.CompactRevision : from;
                yield return new WatchEvent("ERROR", null, from, StatusException.Expired($"too old resource version: {from} ({compacted})"));
                yield break;
            }

            if (response.Events.Count == 0 && !response.Created && response.Header?.Revision > 0)
            {
                // A progress notification: every event through this revision has been delivered.
                yield return new WatchEvent("PROGRESS", null, response.Header.Revision);
                continue;
            }

            foreach (var e in response.Events)
            {
                // A change the selectors filter out still moves the watch's progress on, so the next bookmark can
                // carry its revision (in order: every earlier change of this collection was already sent).
                yield return Translate(resource, e, options) ?? new WatchEvent("PROGRESS", null, e.Kv.ModRevision);
            }
        }
    }

    // 0 when revision `from` is still readable, else the store's current revision (the client must relist).
    private async Task<long> CompactedSinceAsync(string prefix, long from, CancellationToken cancellationToken)
    {
        if (from <= 0)
        {
            return 0;
        }

        try
        {
            await Call(() => Store.RangeAsync(new RangeRequest { Key = Bytes(prefix), RangeEnd = RangeEnd(prefix), Revision = from, CountOnly = true }, cancellationToken));
            return 0;
        }
        catch (CompactedException)
        {
            return await CurrentRevisionAsync(cancellationToken);
        }
        catch (Grpc.Core.RpcException e) when (e.StatusCode == Grpc.Core.StatusCode.OutOfRange)
        {
            // A future revision: the watch waits for it.
            return 0;
        }
    }

    private static WatchEvent? Translate(RestResource resource, Event e, ListOptions options)
    {
        var revision = e.Kv.ModRevision;
        if (e.Type == Event.Types.EventType.Delete)
        {
            if (e.PrevKv is null || e.PrevKv.Value.IsEmpty)
            {
                return null;
            }

            var last = AtRevision(resource, e.PrevKv, revision);
            return !options.Filters || Matches(resource, last, options) ? new WatchEvent("DELETED", last, revision) : null;
        }

        var stored = Decode(resource, e.Kv);
        var isNew = e.Kv.CreateRevision == e.Kv.ModRevision || e.PrevKv is null;
        if (!options.Filters)
        {
            return new WatchEvent(isNew ? "ADDED" : "MODIFIED", stored, revision);
        }

        var matches = Matches(resource, stored, options);
        var matched = !isNew && e.PrevKv is not null && Matches(resource, Decode(resource, e.PrevKv), options);
        return (matched, matches) switch
        {
            (false, true) => new WatchEvent("ADDED", stored, revision),
            (true, true) => new WatchEvent("MODIFIED", stored, revision),
            // Upstream's watch filter: the object as the watcher last saw it (the previous state), at this revision.
            (true, false) => new WatchEvent("DELETED", AtRevision(resource, e.PrevKv!, revision), revision),
            _ => null,
        };
    }

    // A previous state presented at a later revision (decoded lazily with that resourceVersion).
    private static StoredObject AtRevision(RestResource resource, KeyValue previous, long revision)
    {
        var last = Decode(resource, previous) with { ModRevision = revision };
        if (last.IsDecoded)
        {
            // Decoded eagerly (a converted kind): its resourceVersion is still the previous one.
            last.Object.Metadata.ResourceVersion = revision.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return last;
    }
}
