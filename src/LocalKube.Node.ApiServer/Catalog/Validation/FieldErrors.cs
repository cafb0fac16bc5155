using System.Collections;
using k8s.Models;

namespace LocalKube.Node.ApiServer.Catalog.Validation;

/// <summary>
/// Collects validation failures as <see cref="V1StatusCause"/>s with upstream's reasons and message bodies
/// (<c>Required value</c>, <c>Invalid value: "x": detail</c>, <c>Unsupported value: ...: supported values: ...</c>).
/// The REST machinery wraps them into a 422 Invalid Status; kubectl prints <c>field: message</c> per cause.
/// </summary>
public sealed class FieldErrors : IReadOnlyList<V1StatusCause>
{
    private readonly List<V1StatusCause> _causes = [];

    /// <inheritdoc />
    public int Count => _causes.Count;

    /// <inheritdoc />
    public V1StatusCause this[int index] => _causes[index];

    /// <summary>Whether nothing was reported.</summary>
    public bool IsEmpty => _causes.Count == 0;

    /// <summary><c>FieldValueRequired</c>: "Required value[: detail]".</summary>
    public void Required(FieldPath path, string detail = "") => Add("FieldValueRequired", path, WithDetail("Required value", detail));

    /// <summary><c>FieldValueInvalid</c>: "Invalid value: &lt;value&gt;[: detail]".</summary>
    public void Invalid(FieldPath path, object? value, string detail) =>
        Add("FieldValueInvalid", path, WithDetail("Invalid value: " + GoValue.Format(value), detail));

    /// <summary><c>FieldValueNotSupported</c>: "Unsupported value: &lt;value&gt;: supported values: "a", "b"" (order kept).</summary>
    public void NotSupported(FieldPath path, object? value, IEnumerable<string> supported)
    {
        var list = supported.ToList();
        var detail = list.Count == 0 ? "" : "supported values: " + string.Join(", ", list.Select(GoValue.Quote));
        Add("FieldValueNotSupported", path, WithDetail("Unsupported value: " + GoValue.Format(value), detail));
    }

    /// <summary><c>FieldValueDuplicate</c>: "Duplicate value: &lt;value&gt;".</summary>
    public void Duplicate(FieldPath path, object? value) => Add("FieldValueDuplicate", path, "Duplicate value: " + GoValue.Format(value));

    /// <summary><c>FieldValueForbidden</c>: "Forbidden[: detail]".</summary>
    public void Forbidden(FieldPath path, string detail) => Add("FieldValueForbidden", path, WithDetail("Forbidden", detail));

    /// <summary><c>FieldValueNotFound</c>: "Not found: &lt;value&gt;".</summary>
    public void NotFound(FieldPath path, object? value) => Add("FieldValueNotFound", path, "Not found: " + GoValue.Format(value));

    /// <summary><c>FieldValueTooLong</c>: "Too long: may not be more than N bytes".</summary>
    public void TooLong(FieldPath path, int max) =>
        Add("FieldValueTooLong", path, $"Too long: may not be more than {max} {(max == 1 ? "byte" : "bytes")}");

    /// <summary><c>FieldValueTooMany</c>: "Too many: N: must have at most M items".</summary>
    public void TooMany(FieldPath path, int actual, int max) =>
        Add("FieldValueTooMany", path, $"Too many: {actual}: must have at most {max} items");

    /// <summary>Adds every message of a syntax check (e.g. a DNS name check) as an Invalid cause.</summary>
    public void InvalidEach(FieldPath path, object? value, IEnumerable<string> messages)
    {
        foreach (var msg in messages)
        {
            Invalid(path, value, msg);
        }
    }

    /// <summary>Adds an already-built cause (e.g. one re-labelled from a shared rule).</summary>
    public void Add(V1StatusCause cause) => _causes.Add(cause);

    /// <inheritdoc />
    public IEnumerator<V1StatusCause> GetEnumerator() => _causes.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private void Add(string reason, FieldPath path, string message) =>
        _causes.Add(new V1StatusCause { Reason = reason, Field = path.ToString(), Message = message });

    private static string WithDetail(string body, string detail) => detail.Length == 0 ? body : body + ": " + detail;
}
