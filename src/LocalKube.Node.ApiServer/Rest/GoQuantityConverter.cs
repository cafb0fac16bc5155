using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using k8s.Models;
using LocalKube.Node.ApiServer.Catalog;
using LocalKube.Node.ApiServer.Catalog.Validation;

namespace LocalKube.Node.ApiServer.Rest;

/// <summary>
/// Reads <see cref="ResourceQuantity"/> as Go's <c>Quantity.UnmarshalJSON</c> does: a JSON string or the raw text of
/// any other value, checked by <see cref="GoQuantity"/>; writes it as Go does (<see cref="QuantityMath.Format"/>).
/// </summary>
public sealed class GoQuantityConverter : JsonConverter<ResourceQuantity>
{
    /// <inheritdoc />
    public override ResourceQuantity? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                return new ResourceQuantity(GoQuantity.Normalize(reader.GetString()!));
            case JsonTokenType.Number:
                return new ResourceQuantity(GoQuantity.Normalize(Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan)));
            default:
                // true, an object, an array: Go hands their text to ParseQuantity, which refuses it.
                reader.Skip();
                throw new GoQuantity.FormatError(GoQuantity.FormatWrong);
        }
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, ResourceQuantity value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value is null ? null : QuantityMath.Format(value));
    }
}
