using System.Text.Json;
using k8s.Models;

namespace LocalKube.Node.Controllers.Shared;

/// <summary>Patch bodies controllers send.</summary>
public static class Patches
{
    /// <summary>
    /// A strategic merge patch removing <paramref name="finalizer"/> (<c>$deleteFromPrimitiveList</c>), with the
    /// UID as a precondition, as the Job controller sends it.
    /// </summary>
    public static V1Patch RemoveFinalizer(V1ObjectMeta meta, string finalizer)
    {
        ArgumentNullException.ThrowIfNull(meta);
        var body = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["metadata"] = new Dictionary<string, object?>
            {
                ["$deleteFromPrimitiveList/finalizers"] = new[] { finalizer },
                ["uid"] = meta.Uid,
            },
        });
        return new V1Patch(body, V1Patch.PatchType.StrategicMergePatch);
    }

    /// <summary>The annotations that differ between <paramref name="from"/> and <paramref name="to"/> (null = removed).</summary>
    public static Dictionary<string, string?> AnnotationChanges(IDictionary<string, string>? from, IDictionary<string, string>? to)
    {
        var changes = new Dictionary<string, string?>(StringComparer.Ordinal);
        from ??= new Dictionary<string, string>();
        to ??= new Dictionary<string, string>();
        foreach (var (k, v) in to)
        {
            if (!from.TryGetValue(k, out var old) || old != v)
            {
                changes[k] = v;
            }
        }

        foreach (var k in from.Keys)
        {
            if (!to.ContainsKey(k))
            {
                changes[k] = null;
            }
        }

        return changes;
    }
}
