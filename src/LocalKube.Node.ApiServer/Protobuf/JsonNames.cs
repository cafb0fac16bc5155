using Google.Protobuf.Reflection;

namespace LocalKube.Node.ApiServer.Protobuf;

/// <summary>
/// Protobuf field names are upstream's JSON names except where the protobuf tag was named after the Go field;
/// those are listed here (checked against the KubernetesClient models by ProtobufSchemaTests).
/// </summary>
internal static class JsonNames
{
    private static readonly Dictionary<string, string> Renamed = new(StringComparer.Ordinal)
    {
        ["localkube.kube.authentication.v1.BoundObjectReference.uID"] = "uid",
    };

    public static string Of(FieldDescriptor field) => Renamed.TryGetValue(field.FullName, out var name) ? name : field.Name;
}
