using System.Globalization;
using LocalKube.Node.Machinery.Labels;
using LocalKube.Node.Storage.Protocol;

namespace LocalKube.Node.ApiServer.Rest;

/// <summary>What a list or watch asks for (query parameters, parsed).</summary>
public sealed record ListOptions
{
    /// <summary>Label selector.</summary>
    public LabelSelector Labels { get; init; } = LabelSelector.Everything;

    /// <summary>Field selector.</summary>
    public FieldSelector Fields { get; init; } = FieldSelector.Everything;

    /// <summary>Page size; 0 for all.</summary>
    public long Limit { get; init; }

    /// <summary>The continue token of the previous page.</summary>
    public string? Continue { get; init; }

    /// <summary>The <c>resourceVersion</c> parameter.</summary>
    public string? ResourceVersion { get; init; }

    /// <summary>The <c>resourceVersionMatch</c> parameter.</summary>
    public string? ResourceVersionMatch { get; init; }

    /// <summary>Whether selectors restrict the result (objects must then be decoded to match).</summary>
    public bool Filters => !Labels.IsEmpty || !Fields.IsEmpty;
}

/// <summary>One page of a list.</summary>
/// <param name="Items">The matching objects, in key order.</param>
/// <param name="Revision">The list's resourceVersion.</param>
/// <param name="Continue">The next page's token, or null on the last page.</param>
/// <param name="RemainingItemCount">Objects after this page (without selectors only).</param>
public sealed record ListResult(IReadOnlyList<StoredObject> Items, long Revision, string? Continue, long? RemainingItemCount);

public sealed partial class ResourceStore
{
    private const int FilterBatch = 500;

    /// <summary>Lists one namespace (or all, with <paramref name="ns"/> null), filtered and paged as requested.</summary>
    /// <exception cref="StatusException">400 for bad parameters, 410 for a compacted continue token or revision.</exception>
    public async Task<ListResult> ListAsync(RestResource resource, string? ns, ListOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(options);
        var prefix = resource.Prefix(ns);
        var start = prefix;
        long revision = 0;
        if (!string.IsNullOrEmpty(options.Continue))
        {
            var (rv, after) = ContinueToken.Decode(options.Continue);
            (revision, start) = (rv, prefix + after);
        }
        else if (options.ResourceVersionMatch == "Exact")
        {
            revision = ParseRevision(options.ResourceVersion);
        }

        // A name field selector in a namespace is a point read (kubectl's watch-one-object and describe pattern).
        var byName = options.Fields.RequiredValue("metadata.name");
        var end = RangeEnd(prefix);
        var items = new List<StoredObject>();
        long? remaining = null;
        string? next = null;
        var key = Bytes(byName is not null && (ns is not null || !resource.Namespaced) ? resource.Key(ns, byName) : start);
        var single = byName is not null && (ns is not null || !resource.Namespaced);
        try
        {
            while (true)
            {
                var want = options.Limit > 0 ? options.Limit - items.Count : 0;
                var request = new RangeRequest { Key = key, Revision = revision };
                if (!single)
                {
                    request.RangeEnd = end;
                    request.Limit = options.Filters && want > 0 ? Math.Max(want, FilterBatch) : want;
                }

                var response = await Call(() => Store.RangeAsync(request, cancellationToken));
                if (revision == 0)
                {
                    revision = response.Header.Revision;
                }

                var consumed = 0;
                foreach (var kv in response.Kvs)
                {
                    consumed++;
                    var stored = Decode(resource, kv);
                    if (options.Filters && !Matches(resource, stored, options))
                    {
                        continue;
                    }

                    items.Add(stored);
                    if (options.Limit > 0 && items.Count >= options.Limit)
                    {
                        break;
                    }
                }

                var more = !single && (consumed < response.Kvs.Count || response.More);
                if (!more)
                {
                    break;
                }

                var last = response.Kvs[consumed - 1].Key;
                if (options.Limit > 0 && items.Count >= options.Limit)
                {
                    next = ContinueToken.Encode(revision, last.ToStringUtf8()[prefix.Length..] + "\0");
                    if (!options.Filters)
                    {
                        remaining = response.Count - consumed;
                    }

                    break;
                }

                key = Google.Protobuf.ByteString.CopyFrom([.. last.Span, 0]);
            }
        }
        catch (CompactedException)
        {
            if (!string.IsNullOrEmpty(options.Continue))
            {
                throw StatusException.Expired("The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.");
            }

            throw StatusException.Expired($"too old resource version: {revision} ({await CompactRevisionHintAsync(cancellationToken)})");
        }

        return new ListResult(items, revision, next, remaining);
    }

    /// <summary>Whether a stored object passes the label and field selectors.</summary>
    public static bool Matches(RestResource resource, StoredObject stored, ListOptions options)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(options);
        return (options.Labels.IsEmpty || options.Labels.Matches(stored.Labels))
            && (options.Fields.IsEmpty || options.Fields.Matches(FieldsOf(resource, stored)));
    }

    // Read from the stored JSON while the object is not decoded: a watch with a field selector sees every change of
    // the collection, and decoding each one (and its previous state) only to compare a few strings dominated it.
    private static IReadOnlyDictionary<string, string> FieldsOf(RestResource resource, StoredObject stored)
    {
        return !stored.IsDecoded && resource.Strategy.SelectableFieldsOfJson(stored.Raw) is { } fields
            ? fields
            : resource.Strategy.SelectableFields(stored.Object);
    }

    /// <summary>Parses a resourceVersion parameter.</summary>
    /// <exception cref="StatusException">400 when it is not a number.</exception>
    public static long ParseRevision(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return 0;
        }

        return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var rv)
            ? rv
            : throw StatusException.BadRequest($"resourceVersion: Invalid value: \"{value}\": must be a non-negative integer");
    }

    // The revision reads now start at: the newest revision is always readable, so report it (upstream says the
    // oldest retained one; the client only needs to know it must relist).
    private async Task<long> CompactRevisionHintAsync(CancellationToken cancellationToken) => await CurrentRevisionAsync(cancellationToken);
}
