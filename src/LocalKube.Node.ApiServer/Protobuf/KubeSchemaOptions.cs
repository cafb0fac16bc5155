using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace LocalKube.Node.ApiServer.Protobuf;

/// <summary>
/// The field options of our schemas (<c>localkube/options.proto</c>), for the Go facts the wire format does not carry:
/// <c>pointer</c> (the Go field is a pointer: marshalled only when set) and <c>inline</c> (an embedded struct whose JSON
/// fields sit in the parent). Protobuf/README.md explains both.
/// </summary>
public static class KubeSchemaOptions
{
    /// <summary>The field number of <c>(localkube.pointer)</c>.</summary>
    public const int PointerField = 50001;

    /// <summary>The field number of <c>(localkube.inline)</c>.</summary>
    public const int InlineField = 50002;

    /// <summary><c>(localkube.pointer)</c>.</summary>
    public static Extension<FieldOptions, bool> Pointer { get; } = new(PointerField, FieldCodec.ForBool(WireFormat.MakeTag(PointerField, WireFormat.WireType.Varint)));

    /// <summary><c>(localkube.inline)</c>.</summary>
    public static Extension<FieldOptions, bool> Inline { get; } = new(InlineField, FieldCodec.ForBool(WireFormat.MakeTag(InlineField, WireFormat.WireType.Varint)));

    /// <summary>Both options, for parsing descriptors.</summary>
    public static ExtensionRegistry Registry { get; } = [Pointer, Inline];

    /// <summary>Whether <paramref name="field"/> is a Go pointer.</summary>
    public static bool IsPointer(FieldDescriptor field) => field.GetOptions()?.GetExtension(Pointer) == true;

    /// <summary>Whether <paramref name="field"/> is an inline embedded struct.</summary>
    public static bool IsInline(FieldDescriptor field) => field.GetOptions()?.GetExtension(Inline) == true;
}
