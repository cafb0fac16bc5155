using System.Text.Json.Nodes;

namespace LocalKube.Node.ApiServer.OpenApi;

/// <summary>
/// Rewrites v3-shaped path items into Swagger 2.0's: parameter schemas flattened into the parameter, the request
/// body as a <c>body</c> parameter with <c>consumes</c>, response content as <c>schema</c> with <c>produces</c>.
/// </summary>
internal static class SwaggerPaths
{
    public static JsonObject FromV3(JsonObject paths)
    {
        var result = new JsonObject();
        foreach (var (path, node) in paths)
        {
            var item = new JsonObject();
            foreach (var (key, value) in (JsonObject)node!)
            {
                item[key] = key == "parameters" ? Parameters((JsonArray)value!) : Operation((JsonObject)value!);
            }

            result[path] = item;
        }

        return result;
    }

    private static JsonObject Operation(JsonObject v3)
    {
        var op = new JsonObject();
        var consumes = new JsonArray();
        foreach (var (key, value) in v3)
        {
            switch (key)
            {
                case "parameters":
                    var parameters = Parameters((JsonArray)value!);
                    if (v3["requestBody"] is JsonObject body && body["content"] is JsonObject content)
                    {
                        var first = content.First().Value!["schema"]!.DeepClone();
                        parameters.Insert(0, new JsonObject { ["in"] = "body", ["name"] = "body", ["required"] = true, ["schema"] = first });
                        foreach (var (type, _) in content)
                        {
                            consumes.Add(type);
                        }
                    }

                    op["consumes"] = consumes.Count > 0 ? consumes : new JsonArray("*/*");
                    op["parameters"] = parameters;
                    break;
                case "requestBody":
                    break;
                case "responses":
                    var responses = new JsonObject();
                    foreach (var (code, response) in (JsonObject)value!)
                    {
                        var converted = new JsonObject { ["description"] = response!["description"]!.DeepClone() };
                        if (response["content"] is JsonObject responseContent && responseContent["application/json"]?["schema"] is { } schema)
                        {
                            converted["schema"] = schema.DeepClone();
                        }

                        responses[code] = converted;
                    }

                    op["produces"] = new JsonArray("application/json");
                    op["responses"] = responses;
                    break;
                default:
                    op[key] = value?.DeepClone();
                    break;
            }
        }

        return op;
    }

    private static JsonArray Parameters(JsonArray v3)
    {
        var result = new JsonArray();
        foreach (var node in v3)
        {
            var parameter = new JsonObject();
            foreach (var (key, value) in (JsonObject)node!)
            {
                if (key == "schema")
                {
                    foreach (var (schemaKey, schemaValue) in (JsonObject)value!)
                    {
                        parameter[schemaKey] = schemaValue?.DeepClone();
                    }
                }
                else
                {
                    parameter[key] = value?.DeepClone();
                }
            }

            result.Add(parameter);
        }

        return result;
    }
}
