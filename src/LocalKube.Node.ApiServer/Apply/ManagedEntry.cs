using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace LocalKube.Node.ApiServer.Apply;

/// <summary>
/// One <c>metadata.managedFields</c> entry. Entries are identified as upstream's <c>BuildManagerIdentifier</c> does:
/// manager, operation and subresource, plus apiVersion for Update operations (an applier keeps one entry whatever
/// version it applies with).
/// </summary>
/// <param name="Manager">The field manager name.</param>
/// <param name="Operation"><c>Apply</c> or <c>Update</c>.</param>
/// <param name="ApiVersion">The group-version the fields were written with.</param>
/// <param name="Subresource">The subresource written through (<c>status</c>, <c>scale</c>), or null.</param>
/// <param name="Time">When the entry last changed the object; null when it never did.</param>
/// <param name="Fields">The owned fields.</param>
public sealed record ManagedEntry(string Manager, string Operation, string ApiVersion, string? Subresource, DateTime? Time, FieldSet Fields)
{
    /// <summary>The Apply operation.</summary>
    public const string Apply = "Apply";

    /// <summary>The Update operation.</summary>
    public const string Update = "Update";

    /// <summary>The identity, as the JSON string upstream builds (also the order conflicts are listed in).</summary>
    public string Id => Identity(Manager, Operation, ApiVersion, Subresource);

    /// <summary>The identity of an entry.</summary>
    public static string Identity(string manager, string operation, string apiVersion, string? subresource)
    {
        var sb = new StringBuilder("{");
        var first = true;
        void Add(string name, string? value)
        {
            if (string.IsNullOrEmpty(value))
            {
                return;
            }

            sb.Append(first ? "" : ",").Append('"').Append(name).Append("\":").Append(JsonValue.Create(value).ToJsonString(FieldSet.KeyJson));
            first = false;
        }

        Add("manager", manager);
        Add("operation", operation);
        Add("apiVersion", operation == Apply ? null : apiVersion);
        Add("subresource", subresource);
        return sb.Append('}').ToString();
    }

    /// <summary>How upstream names this manager in a conflict: <c>"m"</c>, <c>"m" using apps/v1</c>, <c>"m" with subresource "status" ...</c>.</summary>
    public string Describe()
    {
        var text = Quote(Manager);
        if (!string.IsNullOrEmpty(Subresource))
        {
            text += " with subresource " + Quote(Subresource);
        }

        return Operation == Update ? $"{text} using {ApiVersion}" : text;
    }

    /// <summary>Reads <c>metadata.managedFields</c> of an object (empty when absent).</summary>
    /// <exception cref="FormatException">When an entry is malformed.</exception>
    public static List<ManagedEntry> Read(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var result = new List<ManagedEntry>();
        if ((obj["metadata"] as JsonObject)?["managedFields"] is not JsonArray array)
        {
            return result;
        }

        foreach (var item in array)
        {
            if (item is not JsonObject e)
            {
                throw new FormatException("managedFields entries must be objects");
            }

            var time = e["time"] is JsonValue t && t.TryGetValue<string>(out var ts)
                ? DateTime.Parse(ts, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal)
                : (DateTime?)null;
            result.Add(new ManagedEntry(Str(e, "manager"), Str(e, "operation"), Str(e, "apiVersion"), e["subresource"]?.GetValue<string>(), time,
                FieldSet.FromFieldsV1(e["fieldsV1"])));
        }

        return result;
    }

    /// <summary>Writes entries in upstream's order: Apply before Update, then by time, manager, apiVersion, subresource.</summary>
    public static JsonArray Write(IEnumerable<ManagedEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var array = new JsonArray();
        var sorted = entries.Where(e => !e.Fields.IsEmpty)
            .OrderBy(e => e.Operation, StringComparer.Ordinal)
            .ThenBy(e => e.Time?.Ticks / TimeSpan.TicksPerSecond ?? 0)
            .ThenBy(e => e.Manager, StringComparer.Ordinal)
            .ThenBy(e => e.ApiVersion, StringComparer.Ordinal)
            .ThenBy(e => e.Subresource ?? "", StringComparer.Ordinal);
        foreach (var e in sorted)
        {
            var json = new JsonObject { ["manager"] = e.Manager, ["operation"] = e.Operation, ["apiVersion"] = e.ApiVersion };
            if (e.Time is { } time)
            {
                json["time"] = time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            }

            json["fieldsType"] = "FieldsV1";
            json["fieldsV1"] = e.Fields.ToFieldsV1();
            if (!string.IsNullOrEmpty(e.Subresource))
            {
                json["subresource"] = e.Subresource;
            }

            array.Add(json);
        }

        return array;
    }

    private static string Str(JsonObject e, string name) => e[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";

    private static string Quote(string s) => JsonValue.Create(s).ToJsonString(FieldSet.KeyJson);
}
