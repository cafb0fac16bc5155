using k8s.Models;
using LocalKube.Node.ApiServer.Http;
using LocalKube.Node.ApiServer.Resources;
using Microsoft.AspNetCore.Http;

namespace LocalKube.Node.ApiServer.Rest;

/// <summary>
/// Serves every registered resource under <c>/api/v1/...</c> and <c>/apis/&lt;group&gt;/&lt;version&gt;/...</c>:
/// routes the URL to a resource, checks the verb against what discovery advertises, and answers every failure with a
/// <c>metav1.Status</c>.
/// </summary>
public sealed partial class RestHandler
{
    private readonly ResourceStore _store;
    private readonly Dictionary<string, IPatchHandler> _patchers;
    private readonly TimeProvider _time;

    /// <summary>Creates the handler.</summary>
    public RestHandler(ResourceStore store, IEnumerable<IPatchHandler> patchers, TimeProvider time)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _patchers = patchers.ToDictionary(p => p.MediaType, StringComparer.OrdinalIgnoreCase);
        _time = time;
    }

    /// <summary>How often watches that allow bookmarks get one when nothing happens.</summary>
    public static TimeSpan BookmarkInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Handles one request for <paramref name="group"/>/<paramref name="version"/> and the rest of the path.</summary>
    public async Task HandleAsync(HttpContext context, string group, string version, string? rest)
    {
        ArgumentNullException.ThrowIfNull(context);
        var ct = context.RequestAborted;
        if (_store.StorageWarning is { } exposure)
        {
            AddWarnings(context, [exposure]);
        }

        try
        {
            var path = RestPath.Parse(rest);
            var resource = path is null ? null : _store.Resources.Find(group, version, path.Plural);
            if (path is null || resource is null || (path.Namespace is not null && !resource.Namespaced)
                || (resource.Namespaced && path.Namespace is null && path.Name is not null))
            {
                await SendStatusAsync(context, StatusException.NoSuchPath(), ct);
                return;
            }

            await DispatchAsync(context, resource, path, ct);
        }
        catch (StatusException e) when (!context.Response.HasStarted)
        {
            await SendStatusAsync(context, e, ct);
        }
    }

    private Task DispatchAsync(HttpContext context, RestResource resource, RestPath path, CancellationToken ct)
    {
        var method = context.Request.Method;
        if (path.Subresource is { } sub)
        {
            return sub switch
            {
                "status" when resource.HasStatus => Item(context, resource, path, method, UpdateScope.Status, ct),
                "scale" when resource.HasScale && resource.Strategy is IScaleStrategy scale => ScaleAsync(context, resource, scale, path, method, ct),
                "finalize" when resource == _store.Resources.Namespaces && HttpMethods.IsPut(method) =>
                    UpdateAsync(context, resource, path, UpdateScope.Finalize, ct),
                "ephemeralcontainers" when IsPods(resource) => Item(context, resource, path, method, UpdateScope.EphemeralContainers, ct),
                "binding" when IsPods(resource) && HttpMethods.IsPost(method) => BindAsync(context, resource, path, ct),
                "eviction" when IsPods(resource) && HttpMethods.IsPost(method) => EvictAsync(context, resource, path, ct),
                _ => throw StatusException.NoSuchPath(),
            };
        }

        if (path.Name is null)
        {
            var q = context.Request.Query;
            return method switch
            {
                "GET" when q["watch"] is var w && (w == "true" || w == "1") => Verb(resource, "watch", () => WatchAsync(context, resource, path, ct)),
                "GET" => Verb(resource, "list", () => ListAsync(context, resource, path, ct)),
                "POST" => Verb(resource, "create", () => CreateAsync(context, resource, path, ct)),
                "DELETE" => Verb(resource, "deletecollection", () => DeleteCollectionAsync(context, resource, path, ct)),
                _ => throw StatusException.MethodNotSupported(resource.Group, resource.Plural, method),
            };
        }

        return Item(context, resource, path, method, UpdateScope.Main, ct);
    }

    private Task Item(HttpContext context, RestResource resource, RestPath path, string method, UpdateScope scope, CancellationToken ct) => method switch
    {
        "GET" => Verb(resource, "get", () => GetAsync(context, resource, path, ct)),
        "PUT" => Verb(resource, "update", () => UpdateAsync(context, resource, path, scope, ct)),
        "PATCH" => Verb(resource, "patch", () => PatchAsync(context, resource, path, scope, ct)),
        "DELETE" when scope == UpdateScope.Main => Verb(resource, "delete", () => DeleteAsync(context, resource, path, ct)),
        _ => throw StatusException.MethodNotSupported(resource.Group, resource.Plural, method),
    };

    private static bool IsPods(RestResource resource) => resource.Group.Length == 0 && resource.Plural == "pods";

    private static Task Verb(RestResource resource, string verb, Func<Task> run) =>
        resource.Supports(verb) ? run() : throw StatusException.MethodNotSupported(resource.Group, resource.Plural, verb);

    private static async Task SendStatusAsync(HttpContext context, StatusException error, CancellationToken ct)
    {
        context.Response.Clear();
        if (error.Details?.RetryAfterSeconds is > 0 and var retry)
        {
            context.Response.Headers.RetryAfter = retry.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        // Errors travel in the format the client asked for (a protobuf Status for client-go's typed clients).
        OutputFormat format;
        try
        {
            format = OutputFormat.Negotiate(context.Request.Headers.Accept);
        }
        catch (StatusException)
        {
            format = OutputFormat.Json;
        }

        var (contentType, body) = format.Protobuf ? ResponseWriter.Status(format, error.Render()) : (ApiStatus.ContentType, error.Render());
        await ResponseWriter.SendAsync(context, error.Code, contentType, body, ct);
    }

    private static bool DryRun(HttpRequest request)
    {
        var values = request.Query["dryRun"];
        foreach (var value in values)
        {
            if (value != "All")
            {
                throw StatusException.BadRequest($"dryRun: Unsupported value: \"{value}\": supported values: \"All\"");
            }
        }

        return values.Count > 0;
    }

    // Upstream's warning recorder: each text once; a text with a control character cannot be a header value and is
    // dropped; past 4,096 runes in all, every warning is cut to 256 runes, and once those fill 4,096 the rest go.
    private static void AddWarnings(HttpContext context, List<string> warnings)
    {
        const int totalRunes = 4 * 1024;
        const int itemRunes = 256;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var ordered = new List<string>();
        var headers = new List<string>();
        var written = 0;
        var truncating = false;
        foreach (var warning in warnings)
        {
            if (warning.Length == 0 || !seen.Add(warning))
            {
                continue;
            }

            if (truncating && written >= totalRunes)
            {
                break;
            }

            ordered.Add(warning);
            var text = truncating ? Truncate(warning, itemRunes) : warning;
            if (text.Any(char.IsControl))
            {
                continue;
            }

            var runes = text.EnumerateRunes().Count();
            if (written + runes <= totalRunes || truncating)
            {
                written += runes;
                headers.Add(text);
                continue;
            }

            truncating = true;
            written = 0;
            headers.Clear();
            foreach (var earlier in ordered.Select(w => Truncate(w, itemRunes)).Where(w => !w.Any(char.IsControl)))
            {
                written += earlier.EnumerateRunes().Count();
                headers.Add(earlier);
            }
        }

        foreach (var text in headers)
        {
            var quoted = text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
            context.Response.Headers.Append("Warning", $"299 - \"{quoted}\"");
        }
    }

    private static string Truncate(string text, int runes)
    {
        var length = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (runes-- == 0)
            {
                return text[..length];
            }

            length += rune.Utf16SequenceLength;
        }

        return text;
    }

    private static V1StatusCause[] NoCauses => [];
}
