using System.Text.Json;

namespace LocalKube.Dashboard.Watch;

/// <summary>Copies JSON while dropping <c>metadata.managedFields</c>, which the page never shows in lists and which often outweighs the rest of an object.</summary>
internal static class JsonRewriter
{
    public static void WriteTrimmed(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject())
                {
                    if (property.NameEquals("managedFields") && property.Value.ValueKind == JsonValueKind.Array)
                    {
                        continue;
                    }

                    writer.WritePropertyName(property.Name);
                    WriteTrimmed(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    WriteTrimmed(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
