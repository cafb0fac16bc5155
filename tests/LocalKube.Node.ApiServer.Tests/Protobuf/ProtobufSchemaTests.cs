using System.Reflection;
using System.Text.Json.Serialization;
using Google.Protobuf.Reflection;
using k8s.Models;
using LocalKube.Node.ApiServer.Protobuf;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.Protobuf;

/// <summary>
/// Our .proto schemas against an independent description of the JSON API (the KubernetesClient models, generated
/// from upstream's OpenAPI): every field of every decodable kind must land on a JSON property the model knows,
/// after inline lifting and renames. Catches a wrong field name or a missed embedded struct.
/// </summary>
[TestFixture]
public sealed class ProtobufSchemaTests
{
    [TestCase("v1", "Namespace")]
    [TestCase("v1", "ConfigMap")]
    [TestCase("v1", "Secret")]
    [TestCase("v1", "Service")]
    [TestCase("v1", "ServiceAccount")]
    [TestCase("v1", "ResourceQuota")]
    [TestCase("v1", "Pod")]
    [TestCase("apps/v1", "Deployment")]
    [TestCase("apps/v1", "StatefulSet")]
    [TestCase("apps/v1", "DaemonSet")]
    [TestCase("apps/v1", "ReplicaSet")]
    [TestCase("batch/v1", "Job")]
    [TestCase("batch/v1", "CronJob")]
    [TestCase("scheduling.k8s.io/v1", "PriorityClass")]
    [TestCase("policy/v1", "PodDisruptionBudget")]
    [TestCase("rbac.authorization.k8s.io/v1", "Role")]
    [TestCase("rbac.authorization.k8s.io/v1", "RoleBinding")]
    [TestCase("rbac.authorization.k8s.io/v1", "ClusterRole")]
    [TestCase("rbac.authorization.k8s.io/v1", "ClusterRoleBinding")]
    [TestCase("networking.k8s.io/v1", "Ingress")]
    [TestCase("authentication.k8s.io/v1", "TokenRequest")]
    [TestCase("authorization.k8s.io/v1", "SelfSubjectAccessReview")]
    [TestCase("authorization.k8s.io/v1", "SubjectAccessReview")]
    public void Every_field_is_a_json_property_of_the_model(string apiVersion, string kind)
    {
        var message = ProtobufKinds.Find(apiVersion, kind);
        Assert.That(message, Is.Not.Null);
        var problems = new List<string>();
        Check(message!, Model(apiVersion, kind), problems, []);
        Assert.That(problems, Is.Empty);
    }

    private static void Check(MessageDescriptor message, Type model, List<string> problems, HashSet<string> seen)
    {
        if (!seen.Add(message.FullName + "@" + model.Name))
        {
            return;
        }

        var properties = model.GetProperties()
            .Select(p => (Property: p, Name: p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name))
            .Where(p => p.Name is not null)
            .ToDictionary(p => p.Name!, p => p.Property);
        foreach (var field in message.Fields.InFieldNumberOrder())
        {
            if (InlineFields.Contains(field))
            {
                Check(field.MessageType, model, problems, seen);
                continue;
            }

            var name = JsonNames.Of(field);
            if (!properties.TryGetValue(name, out var property))
            {
                problems.Add($"{message.FullName}.{field.Name}: {model.Name} has no JSON property \"{name}\"");
                continue;
            }

            if (Target(field) is { } type
                && !type.FullName.StartsWith("localkube.kube.runtime", StringComparison.Ordinal)
                && type.Name is not ("Time" or "MicroTime" or "Duration" or "Quantity" or "IntOrString" or "FieldsV1" or "ExtraValue")
                && ElementType(property.PropertyType) is { } element && element.Namespace == "k8s.Models")
            {
                Check(type, element, problems, seen);
            }
        }
    }

    // "V1Pod"; kinds whose name is taken in several groups carry the group ("Authenticationv1TokenRequest").
    private static Type Model(string apiVersion, string kind)
    {
        var group = apiVersion.Contains('/', StringComparison.Ordinal) ? apiVersion.Split('/')[0].Split('.')[0] : "";
        var assembly = typeof(V1Pod).Assembly;
        return (group.Length > 0 ? assembly.GetType($"k8s.Models.{char.ToUpperInvariant(group[0])}{group[1..]}v1{kind}") : null)
            ?? assembly.GetType($"k8s.Models.V1{kind}")
            ?? throw new InvalidOperationException($"no model for {apiVersion} {kind}");
    }

    private static MessageDescriptor? Target(FieldDescriptor field)
    {
        var target = field.IsMap ? field.MessageType.FindFieldByNumber(2) : field;
        return target.FieldType == FieldType.Message ? target.MessageType : null;
    }

    private static Type? ElementType(Type type)
    {
        if (type.IsGenericType)
        {
            return type.GetGenericArguments().Last();
        }

        return type;
    }
}
