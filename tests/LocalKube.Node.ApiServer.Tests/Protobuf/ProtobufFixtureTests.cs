using System.Text.Json;
using System.Text.Json.Nodes;
using LocalKube.Node.ApiServer.Protobuf;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.Protobuf;

/// <summary>
/// Request bodies that kubectl 1.32 itself encoded (<see cref="ProtobufFixtureCapture"/>): our decoder reads them to
/// kubectl's own JSON of the object, our encoder turns that JSON (and our decoding) back into the very same bytes,
/// and Google.Protobuf's reading of them, walked by reflection, agrees with kubectl's JSON.
/// </summary>
[TestFixture]
public sealed class ProtobufFixtureTests
{
    private static string Dir => Path.Combine(ProtobufFixtureCapture.ProtoRoot(), "Fixtures");

    private static IEnumerable<string> Names() => ProtobufFixtureCapture.Commands.Select(c => c.Name);

    [TestCaseSource(nameof(Names))]
    public void Upstream_bytes_decode_to_upstream_json_and_encode_back_byte_for_byte(string name)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Dir, name + ".pb"));
        var decoded = KubeProtobuf.Decode(bytes);
        var apiVersion = (string)decoded["apiVersion"]!;
        var kind = (string)decoded["kind"]!;
        using (var ours = JsonDocument.Parse(decoded.ToJsonString()))
        {
            Assert.That(KubeProtobuf.Encode(ours.RootElement, apiVersion, kind), Is.EqualTo(bytes), "our decoding re-encodes to kubectl's bytes");
        }

        var jsonPath = Path.Combine(Dir, name + ".json");
        if (!File.Exists(jsonPath))
        {
            return;
        }

        var upstream = WithoutNulls(JsonNode.Parse(File.ReadAllText(jsonPath))!).AsObject();
        Assert.That(SameBut(decoded, upstream), Is.True, $"decoded {decoded.ToJsonString()}\nkubectl  {upstream.ToJsonString()}");
        using (var json = JsonDocument.Parse(upstream.ToJsonString()))
        {
            Assert.That(KubeProtobuf.Encode(json.RootElement, apiVersion, kind), Is.EqualTo(bytes), "kubectl's JSON encodes to kubectl's bytes");
        }

        var message = KubeSchema.ForKind(apiVersion, kind)!;
        var parsed = ReflectionComparer.Descriptor(message.FullName).Parser.ParseFrom(Raw(bytes));
        Assert.That(ReflectionComparer.Compare(parsed, upstream, lenient: true), Is.Empty, "Google.Protobuf's reading agrees with kubectl's JSON");
    }

    // The kind's own bytes inside the envelope (runtime.Unknown field 2), read with Google.Protobuf.
    private static byte[] Raw(byte[] envelope) =>
        ReflectionComparer.Descriptor(KubeSchema.Runtime + ".Unknown").Parser.ParseFrom(envelope.AsSpan(4).ToArray()) is var unknown
            ? ((Google.Protobuf.ByteString)unknown.Descriptor.FindFieldByNumber(2).Accessor.GetValue(unknown)).ToByteArray()
            : [];

    // Equal, except that Go's JSON may also write zero values of value fields that have no omitempty
    // (PodDisruptionBudgetStatus.disruptionsAllowed: 0), which decoding from protobuf leaves out like every zero.
    private static bool SameBut(JsonNode? ours, JsonNode? upstream)
    {
        if (ours is JsonObject o && upstream is JsonObject u)
        {
            return o.All(p => u.ContainsKey(p.Key) && SameBut(p.Value, u[p.Key]))
                && u.Where(p => !o.ContainsKey(p.Key)).All(p => p.Value is JsonValue v && v.ToJsonString() is "0" or "\"\"" or "false");
        }

        if (ours is JsonArray a && upstream is JsonArray b)
        {
            return a.Count == b.Count && a.Zip(b).All(p => SameBut(p.First, p.Second));
        }

        return JsonNode.DeepEquals(ours, upstream);
    }

    // Go's JSON writes nil pointers of non-omitempty fields as null (creationTimestamp: null); protobuf has no null.
    private static JsonNode WithoutNulls(JsonNode node)
    {
        if (node is JsonObject obj)
        {
            foreach (var (key, value) in obj.ToList())
            {
                if (value is null)
                {
                    obj.Remove(key);
                }
                else
                {
                    WithoutNulls(value);
                }
            }
        }
        else if (node is JsonArray array)
        {
            foreach (var item in array)
            {
                if (item is not null)
                {
                    WithoutNulls(item);
                }
            }
        }

        return node;
    }
}
