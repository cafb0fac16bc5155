using System.Text.Json.Nodes;
using LocalKube.Node.ApiServer.Rest;

namespace LocalKube.Node.ApiServer.Patching;

// Errors with upstream's wording (apimachinery mergepatch), returned as unconverted Status errors.
public static partial class StrategicMergePatch
{
    private static StatusException NoMergeKey(JsonObject map, string key) =>
        PatchErrors.Unconverted($"map: {GoJson.Format(map)} does not contain declared merge key: {key}");

    private static StatusException BadPatchType(JsonNode? directive, JsonObject map) =>
        PatchErrors.Unconverted($"unknown patch type: {GoJson.Format(directive)} in map: {GoJson.Format(map)}");

    private static StatusException BadArgType(string expected, JsonNode? actual) =>
        PatchErrors.Unconverted($"expected a {expected}, but received a {GoJson.TypeName(actual)}");
}
