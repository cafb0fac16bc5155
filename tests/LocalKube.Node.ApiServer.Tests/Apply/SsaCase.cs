using System.Text.Json.Nodes;
using k8s.Models;
using LocalKube.Node.ApiServer.Apply;
using LocalKube.Node.ApiServer.Rest;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.Apply;

/// <summary>One write in a scenario: an apply (config) or an update (the whole new body) by a manager.</summary>
/// <param name="Kind">"apply", "update", or "seed" (the object as stored without managedFields).</param>
/// <param name="Manager">The field manager.</param>
/// <param name="Json">The configuration or the new object body (single quotes stand for double quotes).</param>
/// <param name="Force">force=true for applies.</param>
/// <param name="Subresource">"status" to write through the status subresource.</param>
public sealed record SsaOp(string Kind, string Manager, string Json, bool Force = false, string? Subresource = null);

/// <summary>
/// One table row: a kind, a sequence of writes, and what upstream's semantics give afterwards: the object body
/// (without apiVersion, kind, name and managedFields), the fields each manager owns (as conflict paths), the
/// conflicts the last write reports, or a fieldsV1 document.
/// </summary>
public sealed class SsaCase
{
    private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public SsaCase(string name, Type model, params SsaOp[] ops)
    {
        Name = name;
        Model = model;
        Ops = ops;
    }

    public string Name { get; }

    public Type Model { get; }

    public IReadOnlyList<SsaOp> Ops { get; }

    /// <summary>Expected body (single quotes for double quotes).</summary>
    public string? Object { get; init; }

    /// <summary>Expected ownership: "manager/Operation" to member paths.</summary>
    public Dictionary<string, string[]>? Owned { get; init; }

    /// <summary>Expected conflicts of the last op as "field|message of cause".</summary>
    public string[]? Conflicts { get; init; }

    /// <summary>Expected failure of the last op: "code|message substring".</summary>
    public string? Error { get; init; }

    /// <summary>Expected conflict message.</summary>
    public string? ConflictMessage { get; init; }

    /// <summary>Expected fieldsV1 of the last op's manager entry.</summary>
    public string? FieldsV1 { get; init; }

    /// <summary>Expected: whether the last apply changed the object.</summary>
    public bool? Changed { get; init; }

    /// <inheritdoc />
    public override string ToString() => Name;

    public static string Q(string s) => s.Replace('\'', '"');

    public void Run()
    {
        var (apiVersion, kind) = Model == typeof(V1Deployment) ? ("apps/v1", "Deployment") : Model == typeof(V1Pod) ? ("v1", "Pod") : ("v1", "ConfigMap");
        var schema = ApplySchema.For(Model);
        var live = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind, ["metadata"] = new JsonObject { ["name"] = "x" } };
        var now = T0;
        bool? changed = null;
        for (var i = 0; i < Ops.Count; i++)
        {
            var op = Ops[i];
            now = now.AddMinutes(1);
            var body = JsonNode.Parse(Q(op.Json))!.AsObject();
            body["apiVersion"] = apiVersion;
            body["kind"] = kind;
            var meta = body["metadata"] as JsonObject ?? new JsonObject();
            meta["name"] = "x";
            body["metadata"] = meta;
            var scope = op.Subresource == "status" ? new FieldScope("status", f => f == "status") : FieldScope.All;
            var last = i == Ops.Count - 1;
            try
            {
                if (op.Kind == "seed")
                {
                    live = body;
                }
                else if (op.Kind == "apply")
                {
                    var result = FieldManager.Apply(live, body, schema, apiVersion, op.Manager, op.Force, scope, now);
                    live = result.Object;
                    changed = result.Changed;
                }
                else
                {
                    if (op.Subresource == "status")
                    {
                        var merged = (JsonObject)live.DeepClone();
                        merged["status"] = body["status"]?.DeepClone();
                        body = merged;
                        body["metadata"]!.AsObject().Remove("managedFields");
                    }

                    var fields = FieldManager.Update(live, body, schema, apiVersion, op.Manager, scope, now);
                    body["metadata"]!.AsObject()["managedFields"] = fields;
                    if (fields is null)
                    {
                        body["metadata"]!.AsObject().Remove("managedFields");
                    }

                    live = body;
                }

                if (last && (Conflicts is not null || Error is not null))
                {
                    Assert.Fail($"expected conflicts, got {live.ToJsonString()}");
                }
            }
            catch (StatusException e) when (last && Error is not null)
            {
                var parts = Error.Split('|', 2);
                Assert.That(e.Code.ToString(System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(parts[0]), e.Message);
                Assert.That(e.Message, Does.Contain(Q(parts[1])));
                return;
            }
            catch (StatusException e) when (last && Conflicts is not null)
            {
                Assert.That(e.Code, Is.EqualTo(409), e.Message);
                Assert.That(e.Reason, Is.EqualTo("Conflict"));
                var causes = e.Details!.Causes!.Select(c => $"{c.Field}|{c.Message}").ToArray();
                Assert.That(causes.All(c => c.Contains('|', StringComparison.Ordinal)), Is.True);
                Assert.That(e.Details.Causes!.All(c => c.Reason == "FieldManagerConflict"), Is.True);
                Assert.That(causes, Is.EqualTo(Conflicts.Select(Q).ToArray()));
                if (ConflictMessage is not null)
                {
                    Assert.That(e.Message, Is.EqualTo(Q(ConflictMessage)));
                }

                return;
            }
        }

        if (Object is not null)
        {
            var body = (JsonObject)live.DeepClone();
            body.Remove("apiVersion");
            body.Remove("kind");
            var meta = body["metadata"]!.AsObject();
            meta.Remove("name");
            meta.Remove("managedFields");
            if (meta.Count == 0)
            {
                body.Remove("metadata");
            }

            Assert.That(body.ToJsonString(), Is.EqualTo(JsonNode.Parse(Q(Object))!.ToJsonString()));
        }

        var entries = ManagedEntry.Read(live);
        if (Owned is not null)
        {
            var actual = entries.ToDictionary(e => $"{e.Manager}/{e.Operation}", e => e.Fields.Paths().Select(FieldSet.Describe).ToArray());
            Assert.That(actual.Keys.Order(), Is.EqualTo(Owned.Keys.Order()), "managers");
            foreach (var (manager, paths) in Owned)
            {
                Assert.That(actual[manager], Is.EquivalentTo(paths.Select(Q)), manager);
            }
        }

        if (FieldsV1 is not null)
        {
            var lastOp = Ops[^1];
            var entry = entries.Single(e => e.Manager == lastOp.Manager && e.Operation == (lastOp.Kind == "apply" ? "Apply" : "Update"));
            Assert.That(entry.Fields.ToFieldsV1().ToJsonString(), Is.EqualTo(JsonNode.Parse(Q(FieldsV1))!.ToJsonString()));
        }

        if (Changed is not null)
        {
            Assert.That(changed, Is.EqualTo(Changed));
        }
    }
}
