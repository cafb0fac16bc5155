using System.Collections.Frozen;
using System.Reflection;
using Microsoft.AspNetCore.Http;

namespace LocalKube.Dashboard.Assets;

/// <summary>
/// The built front end, embedded in this assembly as <c>web/…</c> resources (each with the <c>.br</c> and
/// <c>.gz</c> copies the build made). Hashed files under <c>assets/</c> are cached for a year; every other path
/// that is not a file gets <c>index.html</c>, so deep links work. For front-end work,
/// <c>LOCALKUBE_DASHBOARD_ASSETS=&lt;web/dist&gt;</c> serves a folder instead (rebuild with <c>npm run build</c>, reload).
/// </summary>
public sealed class StaticAssets
{
    /// <summary>The variable that points the dashboard at a folder of built assets instead of the embedded ones.</summary>
    public const string DirectoryVariable = "LOCALKUBE_DASHBOARD_ASSETS";

    private const string Prefix = "web/";
    private readonly Assembly _assembly;
    private readonly FrozenSet<string> _names;
    private readonly string? _directory;

    public StaticAssets(Assembly? assembly = null, string? directory = null)
    {
        _assembly = assembly ?? typeof(StaticAssets).Assembly;
        _directory = directory is null ? null : Path.GetFullPath(directory);
        _names = _directory is null
            ? _assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).ToFrozenSet(StringComparer.Ordinal)
            : Directory.EnumerateFiles(_directory, "*", SearchOption.AllDirectories)
                .Select(f => Prefix + Path.GetRelativePath(_directory, f).Replace('\\', '/')).ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>True when the front end was embedded (the build ran npm).</summary>
    public bool HasIndex => Exists(Prefix + "index.html");

    /// <summary>The embedded files (without their compressed copies), for the budget check.</summary>
    public IEnumerable<string> Files => _names.Where(n => !n.EndsWith(".br", StringComparison.Ordinal) && !n.EndsWith(".gz", StringComparison.Ordinal)).Select(n => n[Prefix.Length..]);

    public async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value?.TrimStart('/') ?? "";
        var name = Prefix + path;
        var isFile = path.Length > 0 && Exists(name);
        if (!isFile)
        {
            var last = path.Split('/')[^1];
            if (last.Contains('.', StringComparison.Ordinal) || path.StartsWith("assets/", StringComparison.Ordinal))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            name = Prefix + "index.html";
        }

        var response = context.Response;
        response.ContentType = ContentType(name);
        response.Headers.CacheControl = name.StartsWith(Prefix + "assets/", StringComparison.Ordinal) ? "public, max-age=31536000, immutable" : "no-cache";
        response.Headers.Vary = "Accept-Encoding";
        var accepted = context.Request.Headers.AcceptEncoding.ToString();
        var encoding = accepted.Contains("br", StringComparison.Ordinal) && Exists(name + ".br") ? "br"
            : accepted.Contains("gzip", StringComparison.Ordinal) && Exists(name + ".gz") ? "gzip"
            : null;
        var resource = encoding switch { "br" => name + ".br", "gzip" => name + ".gz", _ => name };
        if (encoding is not null)
        {
            response.Headers.ContentEncoding = encoding;
        }

        await using var stream = Open(resource) ?? throw new InvalidOperationException($"embedded resource {resource} is missing");
        response.ContentLength = stream.Length;
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        await stream.CopyToAsync(response.Body, context.RequestAborted);
    }

    /// <summary>The bytes a client that accepts Brotli downloads for <paramref name="file"/>.</summary>
    public long CompressedSize(string file)
    {
        var name = Prefix + file;
        using var stream = Open(Exists(name + ".br") ? name + ".br" : name);
        return stream?.Length ?? 0;
    }

    // A folder is looked at on every request: a rebuild replaces its hashed file names while the dashboard runs.
    private bool Exists(string resource) =>
        _directory is null ? _names.Contains(resource) : File.Exists(Path.Combine(_directory, resource[Prefix.Length..]));

    private Stream? Open(string resource) =>
        _directory is null ? _assembly.GetManifestResourceStream(resource) : File.OpenRead(Path.Combine(_directory, resource[Prefix.Length..]));

    private static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" or ".mjs" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".json" => "application/json",
        ".png" => "image/png",
        ".ico" => "image/x-icon",
        ".woff2" => "font/woff2",
        ".txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    };
}
