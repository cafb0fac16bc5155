using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using LocalKube.Node.ApiServer.Catalog;
using LocalKube.Node.ApiServer.Protobuf;
using LocalKube.Node.ApiServer.Protobuf.Kube.Options;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.Protobuf;

/// <summary>
/// The Go-free check of our protobuf codec, for every served kind and what travels with it: a fully populated object
/// is encoded by us, parsed by Google.Protobuf with the classes protoc generated from our .proto text, compared with
/// the JSON through Google.Protobuf's reflection API, re-serialized by Google.Protobuf to the very same bytes, and
/// decoded by us back to the same JSON. And protoc's reading of the .proto text is the embedded descriptor set.
/// </summary>
[TestFixture]
public sealed class ProtobufReflectionCheckTests
{
    private static IEnumerable<string> Messages()
    {
        var kinds = CatalogServiceCollectionExtensions.CreateAll().Select(s => (s.Descriptor.Group, s.Descriptor.Version, s.Descriptor.Kind))
            // Registered outside the catalog (the REST core and authorization).
            .Concat([("", "v1", "Namespace"), ("", "v1", "ConfigMap"), ("", "v1", "Secret"), ("authorization.k8s.io", "v1", "SelfSubjectRulesReview")]);
        foreach (var (group, version, kind) in kinds)
        {
            var apiVersion = group.Length == 0 ? version : $"{group}/{version}";
            yield return (KubeSchema.ForKind(apiVersion, kind) ?? throw new InvalidOperationException($"no protobuf schema for {apiVersion} {kind}")).FullName;

            // Review kinds are never listed.
            if (KubeSchema.ForKind(apiVersion, kind + "List") is { } list)
            {
                yield return list.FullName;
            }
        }

        yield return "k8s.io.apimachinery.pkg.apis.meta.v1.Status";
        yield return "k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions";
        yield return "k8s.io.apimachinery.pkg.apis.meta.v1.PartialObjectMetadataList";
        yield return "k8s.io.api.autoscaling.v1.Scale";
        yield return "k8s.io.api.policy.v1.Eviction";
        yield return "k8s.io.api.core.v1.Binding";
        yield return "k8s.io.api.authentication.v1.TokenRequest";
    }

    [TestCaseSource(nameof(Messages))]
    public void Every_field_round_trips_through_google_protobuf(string fullName)
    {
        var ours = KubeSchema.Find(fullName)!;
        var json = SampleJson.For(ours);
        using var document = JsonDocument.Parse(json.ToJsonString());
        var bytes = ProtobufWriter.Write(ours, document.RootElement);

        var parsed = ReflectionComparer.Descriptor(fullName).Parser.ParseFrom(bytes);
        Assert.Multiple(() =>
        {
            Assert.That(ReflectionComparer.Compare(parsed, json), Is.Empty, "Google.Protobuf's reading of our bytes, walked by reflection, is the JSON");
            Assert.That(parsed.ToByteArray(), Is.EqualTo(bytes), "Google.Protobuf writes the same bytes back");
            Assert.That(JsonNode.DeepEquals(ProtobufJson.ReadObject(ours, bytes), json), Is.True, "our decoder gives the JSON back");
        });
    }

    [Test]
    public void The_embedded_descriptors_are_what_protoc_makes_of_the_proto_text()
    {
        var problems = new List<string>();
        foreach (var generated in ReflectionComparer.All)
        {
            var embedded = KubeSchema.Find(generated.FullName);
            if (embedded is null)
            {
                problems.Add($"{generated.FullName}: not embedded");
                continue;
            }

            var want = generated.Fields.InFieldNumberOrder().Select(Describe).ToList();
            var have = embedded.Fields.InFieldNumberOrder().Select(f => Describe(f, KubeSchemaOptions.IsPointer(f), KubeSchemaOptions.IsInline(f))).ToList();
            if (!want.SequenceEqual(have))
            {
                problems.Add($"{generated.FullName}: protoc [{string.Join("; ", want)}] embedded [{string.Join("; ", have)}]");
            }
        }

        Assert.That(problems, Is.Empty);
    }

    private static string Describe(Google.Protobuf.Reflection.FieldDescriptor field) =>
        Describe(field, field.GetOptions()?.GetExtension(OptionsExtensions.Pointer) == true, field.GetOptions()?.GetExtension(OptionsExtensions.Inline) == true);

    private static string Describe(Google.Protobuf.Reflection.FieldDescriptor field, bool pointer, bool inline) =>
        $"{field.FieldNumber} {field.Name} {field.FieldType} {(field.IsMap ? "map" : field.IsRepeated ? "repeated" : "single")} " +
        $"{(field.FieldType is Google.Protobuf.Reflection.FieldType.Message ? field.MessageType.FullName : "")} json={field.JsonName} pointer={pointer} inline={inline}";
}
