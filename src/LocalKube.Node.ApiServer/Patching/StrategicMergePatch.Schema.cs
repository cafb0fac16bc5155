using LocalKube.Node.ApiServer.Schema;

namespace LocalKube.Node.ApiServer.Patching;

// The field facts a merge needs: the shape under a key and its patch strategy.
public static partial class StrategicMergePatch
{
    private static (ModelShape Shape, ListFieldMetadata? Meta) LookupStruct(ModelShape schema, string key)
    {
        if (schema.Kind is ShapeKind.Struct or ShapeKind.Opaque)
        {
            return schema.TryGetField(key, out var shape, out var meta)
                ? (shape, meta)
                : throw PatchErrors.Unconverted($"unable to find api field in struct {schema.GoName} for the json field \"{key}\"");
        }

        throw PatchErrors.Unconverted($"merging an object in json but data type is not struct, instead is: {schema.GoKind}");
    }

    private static (ModelShape Element, ListFieldMetadata? Meta) LookupSlice(ModelShape schema, string key)
    {
        var (shape, meta) = LookupStruct(schema, key);
        return shape.Kind == ShapeKind.List && shape.Element is { } element
            ? (element, meta)
            : throw PatchErrors.Unconverted($"expected slice or array type, but got: {schema.GoKind}");
    }

    // upstream's extractRetainKeysPatchStrategy: at most one strategy besides retainKeys.
    private static (bool RetainKeys, string Strategy) Strategy(ListFieldMetadata? meta)
    {
        var parts = (meta?.PatchStrategy ?? "").Split(',');
        switch (parts.Length)
        {
            case 1:
                return parts[0] == "retainKeys" ? (true, "") : (false, parts[0]);
            case 2 when parts[0] == "retainKeys":
                return (true, parts[1]);
            case 2 when parts[1] == "retainKeys":
                return (true, parts[0]);
            default:
                throw PatchErrors.Unconverted($"unexpected patch strategy: [{string.Join(' ', parts)}]");
        }
    }
}
