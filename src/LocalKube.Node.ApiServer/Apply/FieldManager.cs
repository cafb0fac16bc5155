using System.Text.Json.Nodes;
using k8s.Models;
using LocalKube.Node.ApiServer.Rest;

namespace LocalKube.Node.ApiServer.Apply;

/// <summary>Which part of an object a write may own, and through which subresource (upstream's reset fields).</summary>
/// <param name="Subresource">Recorded on the entries (<c>status</c>, <c>scale</c>), or null for the main resource.</param>
/// <param name="Owns">Whether a top-level field is tracked by writes in this scope; null for all.</param>
public sealed record FieldScope(string? Subresource, Func<string, bool>? Owns)
{
    /// <summary>Every field, main resource.</summary>
    public static FieldScope All { get; } = new(null, null);

    /// <summary>Whether a top-level field belongs to this scope.</summary>
    public bool Includes(string field) => Owns is null || Owns(field);
}

/// <summary>The result of an apply: the merged object (managedFields set) and whether anything but managedFields changed.</summary>
/// <param name="Object">The object to store.</param>
/// <param name="Changed">Whether the object itself (without managedFields) differs from the live one.</param>
public sealed record ApplyResult(JsonObject Object, bool Changed);

/// <summary>
/// Server-side apply and managedFields, after structured-merge-diff's <c>Updater</c> and apimachinery's field
/// manager: Update operations take the fields they change; Apply merges a configuration, reports conflicts with other
/// owners of changed fields (409 unless forced), prunes what the applier stopped applying when nobody else owns it,
/// and records exactly the applied fields. Works on JSON trees with an <see cref="ApplySchema"/>.
/// </summary>
public static class FieldManager
{
    // Never owned (upstream's stripMetaManager); removed as members only, not with what is under them.
    private static readonly FieldSet Stripped = BuildStripped();

    // Server-set metadata left out of comparisons so a body that omits them does not look like a change.
    private static readonly string[] SystemMetadata =
        ["managedFields", "resourceVersion", "uid", "creationTimestamp", "generation", "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds"];

    /// <summary>Checks an applied configuration against the endpoint's kind, as upstream's version check does.</summary>
    /// <exception cref="StatusException">400 for a wrong apiVersion or kind, or managedFields in the configuration.</exception>
    public static void CheckConfig(string apiVersion, string kind, JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var av = config["apiVersion"] is JsonValue a && a.TryGetValue<string>(out var s1) ? s1 : "";
        var k = config["kind"] is JsonValue b && b.TryGetValue<string>(out var s2) ? s2 : "";
        if (av != apiVersion || k != kind)
        {
            var slash = av.IndexOf('/', StringComparison.Ordinal);
            var gv = slash < 0 ? "/" + av : av;
            throw StatusException.BadRequest($"invalid object type: {gv}, Kind={k}");
        }

        if ((config["metadata"] as JsonObject)?.ContainsKey("managedFields") == true)
        {
            throw StatusException.BadRequest("metadata.managedFields must be nil");
        }
    }

    /// <summary>
    /// Applies <paramref name="config"/> for <paramref name="manager"/> to <paramref name="live"/> (an object with
    /// managedFields, or a bare apiVersion/kind/metadata skeleton when creating).
    /// </summary>
    /// <exception cref="StatusException">409 with FieldManagerConflict causes; 400 when the configuration does not fit the schema.</exception>
    public static ApplyResult Apply(JsonObject live, JsonObject config, ApplySchema schema, string apiVersion, string manager, bool force, FieldScope scope, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(scope);
        try
        {
            return ApplyCore(live, config, schema, apiVersion, manager, force, scope, now);
        }
        catch (ApplySchemaException e)
        {
            // Upstream answers 500 here; a configuration that does not fit the schema is the client's error (issue 17).
            throw StatusException.BadRequest($"failed to create typed patch object: {e.Message}");
        }
    }

    /// <summary>
    /// The managedFields after a non-apply write (create, update, patch) by <paramref name="manager"/>: it takes the
    /// fields it added or changed from everyone, removed fields leave every owner. Null means no managedFields at all.
    /// </summary>
    /// <param name="owned">True when the caller hands over <paramref name="old"/> and <paramref name="updated"/> (fresh trees
    /// it will not read again): they are then cleaned in place instead of copied, which is most of a create's cost here.</param>
    public static JsonArray? Update(JsonObject? old, JsonObject updated, ApplySchema schema, string apiVersion, string manager, FieldScope scope, DateTime now, bool owned = false)
    {
        ArgumentNullException.ThrowIfNull(updated);
        ArgumentNullException.ThrowIfNull(scope);
        var oldEntries = SafeRead(old);
        var baseEntries = oldEntries;
        if ((updated["metadata"] as JsonObject)?["managedFields"] is JsonArray { Count: > 0 } incoming)
        {
            // [{}] is upstream's way to drop managedFields; another non-empty list replaces them (e.g. kubectl's migration).
            if (incoming.All(e => e is JsonObject o && !o.ContainsKey("manager") && !o.ContainsKey("fieldsV1")))
            {
                return null;
            }

            try
            {
                var current = (old?["metadata"] as JsonObject)?["managedFields"];
                baseEntries = JsonNode.DeepEquals(current, incoming) ? oldEntries : ManagedEntry.Read(updated);
            }
            catch (FormatException)
            {
                baseEntries = oldEntries;
            }
        }

        var oldClean = old is null ? new JsonObject() : Clean(old, owned);
        var newClean = Clean(updated, owned);
        Comparison cmp;
        try
        {
            cmp = TypedOps.Compare(oldClean, newClean, schema);
        }
        catch (ApplySchemaException)
        {
            // A value the schema cannot key (e.g. a duplicate): leave ownership as it was, as upstream does on errors.
            return ManagedEntry.Write(baseEntries);
        }

        var changed = Own(cmp.Modified.Union(cmp.Added), scope);
        var removed = Own(cmp.Removed, scope);
        var id = ManagedEntry.Identity(manager, ManagedEntry.Update, apiVersion, scope.Subresource);
        var result = new List<ManagedEntry>();
        FieldSet mine = new();
        foreach (var e in baseEntries)
        {
            if (e.Id == id)
            {
                mine = e.Fields;
                continue;
            }

            result.Add(e with { Fields = e.Fields.Difference(changed).Difference(removed) });
        }

        mine = mine.Union(changed).Difference(removed);
        result.Add(new ManagedEntry(manager, ManagedEntry.Update, apiVersion, scope.Subresource, now, mine));

        // A write that changes nothing keeps managedFields as they were (upstream ignores timestamp-only changes).
        if (ReferenceEquals(baseEntries, oldEntries) && JsonNode.DeepEquals(oldClean, newClean) && SameSets(oldEntries, result))
        {
            return ManagedEntry.Write(oldEntries);
        }

        return ManagedEntry.Write(CapUpdaters(result));
    }

    /// <summary>
    /// Keeps at most <see cref="MaxUpdateManagers"/> Update entries by merging the oldest into an
    /// <c>ancient-changes</c> entry per apiVersion, as upstream's capManagersManager does.
    /// </summary>
    public static List<ManagedEntry> CapUpdaters(List<ManagedEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);

        // Every write comes here; the usual case (a handful of managers) must not sort anything.
        if (entries.Count(e => e.Operation == ManagedEntry.Update) <= MaxUpdateManagers)
        {
            return entries;
        }

        var updaters = entries.Where(e => e.Operation == ManagedEntry.Update && !e.Fields.IsEmpty)
            .OrderBy(e => e.Time?.Ticks / TimeSpan.TicksPerSecond ?? 0).ThenBy(e => e.Id, StringComparer.Ordinal).ToList();
        if (updaters.Count <= MaxUpdateManagers)
        {
            return entries;
        }

        var working = entries.Where(e => !e.Fields.IsEmpty).ToDictionary(e => e.Id, StringComparer.Ordinal);
        var firstByVersion = new Dictionary<string, ManagedEntry>(StringComparer.Ordinal);
        var length = updaters.Count;
        for (var i = 0; i < updaters.Count && length > MaxUpdateManagers; i++)
        {
            var entry = updaters[i];
            var bucketId = ManagedEntry.Identity(AncientChanges, ManagedEntry.Update, entry.ApiVersion, null);
            if (!firstByVersion.TryGetValue(entry.ApiVersion, out var first))
            {
                firstByVersion[entry.ApiVersion] = entry;
                continue;
            }

            if (!working.TryGetValue(bucketId, out var bucket))
            {
                working.Remove(first.Id);
                bucket = first with { Manager = AncientChanges, Subresource = null };
            }

            working[bucketId] = bucket with { Fields = entry.Fields.Union(bucket.Fields), Time = entry.Time };
            working.Remove(entry.Id);
            length--;
        }

        return [.. working.Values];
    }

    /// <summary>The most Update entries an object keeps (upstream's DefaultMaxUpdateManagers).</summary>
    public const int MaxUpdateManagers = 10;

    private const string AncientChanges = "ancient-changes";

    private const string BeforeFirstApply = "before-first-apply";

    /// <summary>The 409 upstream answers for apply conflicts.</summary>
    public static StatusException Conflict(IReadOnlyList<(ManagedEntry Owner, IReadOnlyList<string> Path)> conflicts)
    {
        ArgumentNullException.ThrowIfNull(conflicts);
        var ordered = conflicts.OrderBy(c => c.Owner.Id, StringComparer.Ordinal).ToList();
        var causes = ordered.Select(c => new V1StatusCause
        {
            Reason = "FieldManagerConflict",
            Message = $"conflict with {c.Owner.Describe()}",
            Field = FieldSet.Describe(c.Path),
        }).ToList();
        string message;
        if (ordered.Count == 1)
        {
            message = $"Apply failed with 1 conflict: conflict with {ordered[0].Owner.Describe()}: {FieldSet.Describe(ordered[0].Path)}";
        }
        else
        {
            var lines = new List<string>();
            foreach (var group in ordered.GroupBy(c => c.Owner.Id, StringComparer.Ordinal))
            {
                lines.Add($"conflicts with {group.First().Owner.Describe()}:");
                lines.AddRange(group.Select(c => "- " + FieldSet.Describe(c.Path)));
            }

            message = $"Apply failed with {ordered.Count} conflicts: {string.Join("\n", lines)}";
        }

        return new StatusException(409, "Conflict", message, new StatusDetails(null, null, null) { Causes = causes });
    }

    private static ApplyResult ApplyCore(JsonObject live, JsonObject config, ApplySchema schema, string apiVersion, string manager, bool force, FieldScope scope, DateTime now)
    {
        var entries = SafeRead(live);
        var liveObject = (JsonObject)live.DeepClone();
        (liveObject["metadata"] as JsonObject)?.Remove("managedFields");
        if (entries.Count == 0)
        {
            // An object nobody tracked yet: what is already there belongs to "before-first-apply" (upstream's
            // skipNonAppliedManager), so the first apply conflicts with values it did not set.
            var before = Update(null, liveObject, schema, apiVersion, BeforeFirstApply, scope with { Subresource = null }, now);
            entries = before is null ? [] : SafeRead(new JsonObject { ["metadata"] = new JsonObject { ["managedFields"] = before } });
        }

        var configSet = Own(TypedOps.ToFieldSet(config, schema), scope);
        var id = ManagedEntry.Identity(manager, ManagedEntry.Apply, apiVersion, scope.Subresource);
        var previous = entries.FirstOrDefault(e => e.Id == id);
        var others = entries.Where(e => e.Id != id).ToList();

        var merged = TypedOps.Merge(liveObject, config, schema);
        ResetOutOfScope(liveObject, merged, scope);

        // Prune what this manager applied last time and no longer does, unless someone (itself included) still owns it.
        if (previous is { Fields.IsEmpty: false })
        {
            var owned = others.Aggregate(configSet, (acc, e) => acc.Union(e.Fields)).WithNamedParents();
            TypedOps.RemoveItems(merged, previous.Fields.WithNamedParents().Difference(owned), schema);
        }

        var liveClean = Clean(liveObject);
        var mergedClean = Clean(merged);
        var cmp = TypedOps.Compare(liveClean, mergedClean, schema);
        var changed = Own(cmp.Modified.Union(cmp.Added), scope);
        var removed = Own(cmp.Removed, scope);
        var conflicts = new List<(ManagedEntry, IReadOnlyList<string>)>();
        foreach (var e in others)
        {
            conflicts.AddRange(e.Fields.Intersection(changed).Paths().Select(p => (e, p)));
        }

        if (conflicts.Count > 0 && !force)
        {
            throw Conflict(conflicts);
        }

        var objectChanged = !JsonNode.DeepEquals(liveClean, mergedClean);
        var result = others.Select(e => e with { Fields = e.Fields.Difference(changed).Difference(removed) }).ToList();
        result.Add(new ManagedEntry(manager, ManagedEntry.Apply, apiVersion, scope.Subresource, objectChanged ? now : previous?.Time, configSet));
        var metadata = merged["metadata"] as JsonObject ?? [];
        merged["metadata"] = metadata;
        metadata["managedFields"] = ManagedEntry.Write(result);
        return new ApplyResult(merged, objectChanged);
    }

    // The parts of the object a scope does not write stay as they are live (the store's update scope does the same).
    private static void ResetOutOfScope(JsonObject live, JsonObject merged, FieldScope scope)
    {
        if (scope.Owns is null)
        {
            return;
        }

        foreach (var key in merged.Select(p => p.Key).Union(live.Select(p => p.Key)).ToList())
        {
            if (key is "apiVersion" or "kind" || scope.Includes(key))
            {
                continue;
            }

            if (live.TryGetPropertyValue(key, out var value))
            {
                merged[key] = value?.DeepClone();
            }
            else
            {
                merged.Remove(key);
            }
        }
    }

    private static FieldSet Own(FieldSet set, FieldScope scope)
    {
        var stripped = set.Difference(Stripped);
        if (scope.Owns is null)
        {
            return stripped;
        }

        var result = new FieldSet();
        foreach (var (k, child) in stripped.Children)
        {
            if (k.StartsWith("f:", StringComparison.Ordinal) && scope.Includes(k[2..]) && !child.IsEmpty)
            {
                result = result.Union(Prefixed(k, child));
            }
        }

        return result;
    }

    private static FieldSet Prefixed(string key, FieldSet child)
    {
        var set = new FieldSet();
        var node = set.Child(key);
        foreach (var path in child.Paths())
        {
            node.Insert(path);
        }

        node.Member = child.Member;
        return set;
    }

    private static JsonObject Clean(JsonObject obj, bool inPlace = false)
    {
        var copy = inPlace ? obj : (JsonObject)obj.DeepClone();
        if (copy["metadata"] is JsonObject meta)
        {
            foreach (var name in SystemMetadata)
            {
                meta.Remove(name);
            }
        }

        return copy;
    }

    private static List<ManagedEntry> SafeRead(JsonObject? obj)
    {
        if (obj is null)
        {
            return [];
        }

        try
        {
            return ManagedEntry.Read(obj);
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or System.Text.Json.JsonException)
        {
            // Unreadable managedFields are dropped rather than failing every later write (upstream logs and resets).
            return [];
        }
    }

    private static bool SameSets(List<ManagedEntry> before, List<ManagedEntry> after)
    {
        var a = before.Where(e => !e.Fields.IsEmpty).ToDictionary(e => e.Id, e => e.Fields, StringComparer.Ordinal);
        var b = after.Where(e => !e.Fields.IsEmpty).ToDictionary(e => e.Id, e => e.Fields, StringComparer.Ordinal);
        return a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var s) && s.SetEquals(p.Value));
    }

    private static FieldSet BuildStripped()
    {
        var set = new FieldSet();
        set.Insert(["f:apiVersion"]);
        set.Insert(["f:kind"]);
        set.Insert(["f:metadata"]);
        foreach (var name in new[] { "name", "namespace", "creationTimestamp", "selfLink", "uid", "clusterName", "generation", "managedFields", "resourceVersion" })
        {
            set.Insert(["f:metadata", "f:" + name]);
        }

        return set;
    }
}
