using Google.Protobuf.Reflection;

namespace LocalKube.Node.ApiServer.Protobuf;

/// <summary>
/// Message fields that are embedded Go structs with <c>json:",inline"</c>: protobuf nests them under a field of
/// their own (<c>Volume.volumeSource</c>, <c>Probe.handler</c>, ...), JSON lifts their fields into the parent.
/// </summary>
internal static class InlineFields
{
    private static readonly HashSet<string> Names = new(StringComparer.Ordinal)
    {
        "core.v1.Volume.volumeSource",
        "core.v1.Probe.handler",
        "core.v1.EphemeralContainer.ephemeralContainerCommon",
        "networking.v1.IngressRule.ingressRuleValue",
    };

    private const string Prefix = "localkube.kube.";

    // Every selector, env source, projection and volume source embeds LocalObjectReference (its "name").
    public static bool Contains(FieldDescriptor field) =>
        field.FullName.StartsWith(Prefix, StringComparison.Ordinal)
        && (Names.Contains(field.FullName[Prefix.Length..])
            || (field.Name == "localObjectReference" && field.FieldType == FieldType.Message && field.MessageType.Name == "LocalObjectReference"));
}
