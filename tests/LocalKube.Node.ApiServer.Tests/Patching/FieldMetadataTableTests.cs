using System.Reflection;
using System.Text.Json.Serialization;
using k8s.Models;
using LocalKube.Node.ApiServer.Patching;
using LocalKube.Node.ApiServer.Schema;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.Patching;

/// <summary>The merge-fact table: every entry names a real model property, merge lists of objects have a key.</summary>
[TestFixture]
public sealed class FieldMetadataTableTests
{
    [Test]
    public void Every_entry_names_a_json_property_of_its_model()
    {
        foreach (var ((type, field), _) in FieldMetadata.All)
        {
            var names = type.GetProperties().Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name);
            Assert.That(names, Does.Contain(field), $"{type.Name}.{field}");
        }
    }

    [Test]
    public void Merge_lists_of_objects_have_a_merge_key_and_primitive_ones_do_not()
    {
        foreach (var ((type, field), meta) in FieldMetadata.All.Where(e => e.Value.MergesList))
        {
            Assert.That(ModelShape.For(type).TryGetField(field, out var shape, out _), Is.True);
            Assert.That(shape.Kind, Is.EqualTo(ShapeKind.List), $"{type.Name}.{field}");
            var objects = shape.Element!.Kind == ShapeKind.Struct;
            Assert.That(meta.PatchMergeKey is not null, Is.EqualTo(objects), $"{type.Name}.{field}");
            if (meta.ListType == "map")
            {
                Assert.That(meta.ListMapKeys, Does.Contain(meta.PatchMergeKey), $"{type.Name}.{field}");
            }
        }
    }

    [TestCase(typeof(V1PodSpec), "containers", "merge", "name")]
    [TestCase(typeof(V1PodSpec), "volumes", "merge,retainKeys", "name")]
    [TestCase(typeof(V1Container), "ports", "merge", "containerPort")]
    [TestCase(typeof(V1ServiceSpec), "ports", "merge", "port")]
    [TestCase(typeof(V1ObjectMeta), "ownerReferences", "merge", "uid")]
    [TestCase(typeof(V1ObjectMeta), "finalizers", "merge", null)]
    [TestCase(typeof(V1NodeStatus), "addresses", "merge", "type")]
    [TestCase(typeof(V1DeploymentSpec), "strategy", "retainKeys", null)]
    public void Known_facts(Type type, string field, string strategy, string? key)
    {
        var meta = FieldMetadata.Find(type, field)!;
        Assert.That(meta.PatchStrategy, Is.EqualTo(strategy));
        Assert.That(meta.PatchMergeKey, Is.EqualTo(key));
    }

    [Test]
    public void Shapes_follow_json_names_into_nested_models()
    {
        Assert.That(ModelShape.For(typeof(V1Pod)).TryGetField("spec", out var spec, out _), Is.True);
        Assert.That(spec.TryGetField("containers", out var containers, out var meta), Is.True);
        Assert.That(containers.Element!.Type, Is.EqualTo(typeof(V1Container)));
        Assert.That(meta!.PatchMergeKey, Is.EqualTo("name"));
        Assert.That(ModelShape.For(typeof(V1ObjectMeta)).TryGetField("labels", out var labels, out _) && labels.Kind == ShapeKind.Map, Is.True);
        Assert.That(ModelShape.For(typeof(V1Pod)).GoName, Is.EqualTo("Pod"));
    }
}
