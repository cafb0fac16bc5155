using System.Buffers;
using System.Text.Json;
using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Validation;

namespace LocalKube.Node.ApiServer.Rest;

/// <summary>
/// A failed API call as upstream's <c>StatusError</c> (apimachinery <c>api/errors</c>): the HTTP code, reason,
/// message and details that become the <c>metav1.Status</c> body. The factories word messages exactly as upstream,
/// because kubectl prints them verbatim (kubectl-protocol §10).
/// </summary>
public sealed class StatusException : Exception
{
    /// <summary>Creates an error.</summary>
    public StatusException(int code, string reason, string message, StatusDetails? details = null)
        : base(message)
    {
        Code = code;
        Reason = reason;
        Details = details;
    }

    /// <summary>The HTTP status (equals the Status <c>code</c>).</summary>
    public int Code { get; }

    /// <summary>The Status <c>reason</c>, e.g. <c>NotFound</c>.</summary>
    public string Reason { get; }

    /// <summary>The Status <c>details</c>, when upstream sends them.</summary>
    public StatusDetails? Details { get; }

    /// <summary>404: <c>configmaps "x" not found</c>; <paramref name="resource"/> is group-qualified (<c>deployments.apps</c>).</summary>
    public static StatusException NotFound(string group, string resource, string name) =>
        new(404, "NotFound", $"{Qualified(group, resource)} \"{name}\" not found", new StatusDetails(name, group, resource));

    /// <summary>404 for a path the server does not serve, with empty details as upstream (kubectl debug needs them).</summary>
    public static StatusException NoSuchPath() =>
        new(404, "NotFound", "the server could not find the requested resource", new StatusDetails(null, null, null));

    /// <summary>409: <c>configmaps "x" already exists</c>.</summary>
    public static StatusException AlreadyExists(string group, string resource, string name) =>
        new(409, "AlreadyExists", $"{Qualified(group, resource)} \"{name}\" already exists", new StatusDetails(name, group, resource));

    /// <summary>409: <c>Operation cannot be fulfilled on configmaps "x": why</c>.</summary>
    public static StatusException Conflict(string group, string resource, string name, string why) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {Qualified(group, resource)} \"{name}\": {why}", new StatusDetails(name, group, resource));

    /// <summary>The optimistic-concurrency conflict, worded as upstream.</summary>
    public static StatusException Modified(string group, string resource, string name) =>
        Conflict(group, resource, name, "the object has been modified; please apply your changes to the latest version and try again");

    /// <summary>403: <c>configmaps "x" is forbidden: why</c>.</summary>
    public static StatusException Forbidden(string group, string resource, string name, string why) =>
        new(403, "Forbidden", $"{Qualified(group, resource)} \"{name}\" is forbidden: {why}", new StatusDetails(name, group, resource));

    /// <summary>422: <c>ConfigMap "x" is invalid: [a, b]</c>, with one cause per field error.</summary>
    public static StatusException Invalid(string group, string kind, string name, IReadOnlyList<V1StatusCause> causes)
    {
        var lines = causes.Select(StatusCauses.Describe).ToList();
        var summary = lines.Count == 1 ? lines[0] : "[" + string.Join(", ", lines) + "]";
        return new(422, "Invalid", $"{Qualified(group, kind)} \"{name}\" is invalid: {summary}", new StatusDetails(name, group, kind) { Causes = causes });
    }

    /// <summary>400 with free text.</summary>
    public static StatusException BadRequest(string message) => new(400, "BadRequest", message);

    /// <summary>405: <c>&lt;verb&gt; is not supported on resources of kind "&lt;resource&gt;"</c>.</summary>
    public static StatusException MethodNotSupported(string group, string resource, string verb) =>
        new(405, "MethodNotAllowed", $"{verb} is not supported on resources of kind \"{Qualified(group, resource)}\"", new StatusDetails(null, group, resource));

    /// <summary>410 Expired (a compacted resource version or continue token).</summary>
    public static StatusException Expired(string message) => new(410, "Expired", message);

    /// <summary>413.</summary>
    public static StatusException TooLarge(string message) => new(413, "RequestEntityTooLarge", message);

    /// <summary>415.</summary>
    public static StatusException UnsupportedMediaType(string contentType) =>
        new(415, "UnsupportedMediaType",
            $"the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf (got {contentType})");

    /// <summary>406.</summary>
    public static StatusException NotAcceptable() =>
        new(406, "NotAcceptable", "only the following media types are accepted: application/json, application/vnd.kubernetes.protobuf, application/json;as=Table;v=v1;g=meta.k8s.io");

    /// <summary>500: <c>Internal error occurred: why</c>.</summary>
    public static StatusException Internal(string why) =>
        new(500, "InternalError", $"Internal error occurred: {why}", new StatusDetails(null, null, null) { Causes = [new V1StatusCause { Message = why }] });

    /// <summary>504 Timeout.</summary>
    public static StatusException Timeout(string message) => new(504, "Timeout", message);

    /// <summary><c>resource.group</c>, or the resource alone for the core group.</summary>
    public static string Qualified(string? group, string resource) => string.IsNullOrEmpty(group) ? resource : $"{resource}.{group}";

    /// <summary>The <c>metav1.Status</c> JSON of this error.</summary>
    public byte[] Render() => RenderStatus(Code, Reason, Message, Details);

    /// <summary>Writes a Status into <paramref name="json"/> (also used for watch ERROR events and delete's Success).</summary>
    public static void WriteStatus(Utf8JsonWriter json, int code, string? reason, string message, StatusDetails? details)
    {
        ArgumentNullException.ThrowIfNull(json);
        var success = code is >= 200 and < 300;
        json.WriteStartObject();
        json.WriteString("kind", "Status");
        json.WriteString("apiVersion", "v1");
        json.WriteStartObject("metadata");
        json.WriteEndObject();
        json.WriteString("status", success ? "Success" : "Failure");
        if (!success)
        {
            json.WriteString("message", message);
        }

        if (!string.IsNullOrEmpty(reason))
        {
            json.WriteString("reason", reason);
        }

        if (details is not null)
        {
            json.WriteStartObject("details");
            WriteIfSet(json, "name", details.Name);
            WriteIfSet(json, "group", details.Group);
            WriteIfSet(json, "kind", details.Kind);
            WriteIfSet(json, "uid", details.Uid);
            if (details.Causes is { Count: > 0 } causes)
            {
                json.WriteStartArray("causes");
                foreach (var cause in causes)
                {
                    json.WriteStartObject();
                    WriteIfSet(json, "reason", cause.Reason);
                    WriteIfSet(json, "message", cause.Message);
                    WriteIfSet(json, "field", cause.Field);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }

            if (details.RetryAfterSeconds is { } retry)
            {
                json.WriteNumber("retryAfterSeconds", retry);
            }

            json.WriteEndObject();
        }

        json.WriteNumber("code", code);
        json.WriteEndObject();
    }

    /// <summary>Renders a Status document.</summary>
    public static byte[] RenderStatus(int code, string? reason, string message, StatusDetails? details)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        // Relaxed escaping: messages quote names ("x"), and Go writes those as \" rather than \u0022.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            WriteStatus(json, code, reason, message, details);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteIfSet(Utf8JsonWriter json, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            json.WriteString(name, value);
        }
    }
}

/// <summary><c>metav1.StatusDetails</c>: <c>kind</c> is the plural resource for 404/409/403 and the Kind for 422, as upstream.</summary>
/// <param name="Name">The object's name.</param>
/// <param name="Group">The API group.</param>
/// <param name="Kind">Resource or Kind (see above).</param>
public sealed record StatusDetails(string? Name, string? Group, string? Kind)
{
    /// <summary>The object's uid (delete answers).</summary>
    public string? Uid { get; init; }

    /// <summary>Field-level causes (422).</summary>
    public IReadOnlyList<V1StatusCause>? Causes { get; init; }

    /// <summary>Retry hint (429/5xx).</summary>
    public int? RetryAfterSeconds { get; init; }
}
