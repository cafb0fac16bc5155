using System.Globalization;
using k8s.Models;

namespace LocalKube.Node.ApiServer.Catalog.Validation;

/// <summary>
/// Builds <see cref="V1StatusCause"/>s worded as upstream's <c>field.Error</c> (apimachinery
/// <c>util/validation/field</c>): <c>reason</c> is the error type (<c>FieldValueInvalid</c>...), <c>field</c> the path,
/// and <c>message</c> the error body (<c>Invalid value: "Foo": detail</c>), so a 422's message reads
/// <c>&lt;field&gt;: &lt;body&gt;</c> exactly as kubectl users know it.
/// </summary>
/// <remarks>
/// One cause at a time, for code that has no <see cref="FieldErrors"/> collector: the HTTP handlers (options and
/// patch bodies), admission hooks, and <see cref="Describe"/> for the 422 message. Values are quoted with
/// <c>GoStrings</c>, which escapes DEL and C1 characters differently from <see cref="GoValue"/>.
/// </remarks>
public static class StatusCauses
{
    /// <summary><c>Invalid value: &lt;value&gt;: detail</c>.</summary>
    public static V1StatusCause Invalid(string field, object? value, string detail) =>
        Cause("FieldValueInvalid", field, $"Invalid value: {Format(value)}" + (detail.Length > 0 ? ": " + detail : ""));

    /// <summary><c>Required value[: detail]</c>.</summary>
    public static V1StatusCause Required(string field, string detail = "") =>
        Cause("FieldValueRequired", field, "Required value" + (detail.Length > 0 ? ": " + detail : ""));

    /// <summary><c>Forbidden: detail</c>.</summary>
    public static V1StatusCause Forbidden(string field, string detail) => Cause("FieldValueForbidden", field, "Forbidden: " + detail);

    /// <summary><c>Duplicate value: &lt;value&gt;</c>.</summary>
    public static V1StatusCause Duplicate(string field, object? value) => Cause("FieldValueDuplicate", field, $"Duplicate value: {Format(value)}");

    /// <summary><c>Unsupported value: &lt;value&gt;: supported values: "a", "b"</c>.</summary>
    public static V1StatusCause NotSupported(string field, object? value, IEnumerable<string> supported) =>
        Cause("FieldValueNotSupported", field,
            $"Unsupported value: {Format(value)}: supported values: " + string.Join(", ", supported.Select(s => Quote(s))));

    /// <summary><c>Too long: may not be more than N bytes</c> (the value is omitted, as upstream does for big values).</summary>
    public static V1StatusCause TooLong(string field, int max) =>
        Cause("FieldValueTooLong", field, $"Too long: may not be more than {max.ToString(CultureInfo.InvariantCulture)} bytes");

    /// <summary><c>Too many: N: must have at most M items</c>.</summary>
    public static V1StatusCause TooMany(string field, int actual, int max) =>
        Cause("FieldValueTooMany", field, $"Too many: {actual.ToString(CultureInfo.InvariantCulture)}: must have at most {max.ToString(CultureInfo.InvariantCulture)} items");

    /// <summary><c>Internal error: detail</c>.</summary>
    public static V1StatusCause InternalError(string field, string detail) => Cause("InternalError", field, "Internal error: " + detail);

    /// <summary>Upstream's immutable-field error: <c>Invalid value: &lt;value&gt;: field is immutable</c>.</summary>
    public static V1StatusCause Immutable(string field, object? value) => Invalid(field, value, "field is immutable");

    /// <summary>One line as upstream's <c>field.Error.Error()</c>: <c>field: body</c>.</summary>
    public static string Describe(V1StatusCause cause)
    {
        ArgumentNullException.ThrowIfNull(cause);
        return string.IsNullOrEmpty(cause.Field) ? cause.Message : $"{cause.Field}: {cause.Message}";
    }

    /// <summary>Go's <c>%q</c> for strings, plain text for numbers and booleans (upstream's value rendering).</summary>
    public static string Format(object? value) => value switch
    {
        null => "null",
        string s => Quote(s),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>A Go-style double-quoted string.</summary>
    public static string Quote(string s) => GoStrings.Quote(s);

    private static V1StatusCause Cause(string reason, string field, string message) =>
        new() { Reason = reason, Field = field, Message = message };
}
