using LocalKube.Node.ApiServer.Proxy;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.Proxy;

[TestFixture]
public sealed class ProxiedLinksTests
{
    private const string Prefix = "/api/v1/namespaces/default/services/web:80/proxy";
    private static readonly ProxiedLinks Links = new(Prefix, "10.244.0.5:8080", "localhost:8001");

    [TestCase("/api/v1/namespaces/default/services/web:80/proxy/login", "/login", Prefix)]
    [TestCase("/api/v1/namespaces/default/services/web:80/proxy/", "/", Prefix)]
    [TestCase("/api/v1/namespaces/default/services/web:80/proxy", "/", Prefix)]
    [TestCase("/api/v1/namespaces/default/pods/p/proxy/a/b/", "/a/b", "/api/v1/namespaces/default/pods/p/proxy")]
    public void The_prefix_is_the_request_path_without_the_backend_path(string request, string backend, string expected) =>
        Assert.That(ProxiedLinks.PrefixOf(request, backend), Is.EqualTo(expected));

    [TestCase("/login", Prefix + "/login")]
    [TestCase("/static/app.js?v=2#top", Prefix + "/static/app.js?v=2#top")]
    [TestCase("http://10.244.0.5:8080/dir/", Prefix + "/dir/")]
    [TestCase("//10.244.0.5:8080/a", Prefix + "/a")]
    [TestCase("http://localhost:8001/next", "http://localhost:8001" + Prefix + "/next")]
    [TestCase(Prefix + "/already", Prefix + "/already")]
    [TestCase("relative/page.html", "relative/page.html")]
    [TestCase("?q=1", "?q=1")]
    [TestCase("#anchor", "#anchor")]
    [TestCase("https://example.org/elsewhere", "https://example.org/elsewhere")]
    [TestCase("mailto:someone@example.org", "mailto:someone@example.org")]
    [TestCase("", "")]
    public void A_link_to_the_backend_stays_inside_the_proxy(string link, string expected) =>
        Assert.That(Links.Rewrite(link), Is.EqualTo(expected));

    [Test]
    public void An_html_page_keeps_its_markup_and_only_its_url_attributes_change()
    {
        const string Page = "<!DOCTYPE html>\n<p class=\"x\">Hi <A HREF=\"/login\">log in</A>, <img src=\"logo.png\" alt=\"/not-a-url\">"
            + "<form action='/post' method=post><input type=image src=\"/btn.png\"></form><script src=\"/app.js\"></script>"
            + "<a href=\"https://example.org/\">out</a>";
        var rewritten = Links.RewriteHtml(Page);
        Assert.That(rewritten, Is.EqualTo("<!DOCTYPE html>\n<p class=\"x\">Hi <A HREF=\"" + Prefix + "/login\">log in</A>, <img src=\"logo.png\" alt=\"/not-a-url\">"
            + "<form action='" + Prefix + "/post' method=post><input type=image src=\"" + Prefix + "/btn.png\"></form><script src=\"" + Prefix + "/app.js\"></script>"
            + "<a href=\"https://example.org/\">out</a>"));
        Assert.That(Links.RewriteHtml("<p>no links</p>"), Is.EqualTo("<p>no links</p>"));
    }
}

[TestFixture]
public sealed class ProxyTransformerLinkTests
{
    private const string Prefix = "/api/v1/namespaces/default/pods/web/proxy";

    [TestCase("")]
    [TestCase("gzip")]
    [TestCase("deflate")]
    public async Task An_html_page_is_rewritten_in_its_own_encoding(string encoding)
    {
        var (context, body) = Context();
        using var response = new System.Net.Http.HttpResponseMessage(System.Net.HttpStatusCode.OK)
        {
            Content = new System.Net.Http.ByteArrayContent(Encode("<a href=\"/next\">n</a>", encoding)),
        };
        response.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/html") { CharSet = "utf-8" };
        if (encoding.Length > 0)
        {
            response.Content.Headers.ContentEncoding.Add(encoding);
        }

        response.Headers.Add("Access-Control-Allow-Origin", "*");
        var copy = await Transformer().TransformResponseAsync(context, response, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(copy, Is.False, "the rewritten page was written");
            Assert.That(Decode(body.ToArray(), encoding), Is.EqualTo($"<a href=\"{Prefix}/next\">n</a>"));
            Assert.That(context.Response.ContentLength, Is.EqualTo(body.Length));
            Assert.That(context.Response.Headers.ContainsKey("Access-Control-Allow-Origin"), Is.False, "CORS headers dropped");
        });
    }

    [Test]
    public async Task A_redirect_keeps_to_the_proxy_and_other_content_passes_through()
    {
        var (context, _) = Context();
        using var redirect = new System.Net.Http.HttpResponseMessage(System.Net.HttpStatusCode.MovedPermanently) { Content = new System.Net.Http.StringContent("") };
        redirect.Headers.Location = new Uri("/dir/", UriKind.Relative);
        Assert.That(await Transformer().TransformResponseAsync(context, redirect, CancellationToken.None), Is.True);
        Assert.That(context.Response.Headers.Location.ToString(), Is.EqualTo(Prefix + "/dir/"));

        var (json, body) = Context();
        using var data = new System.Net.Http.HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new System.Net.Http.StringContent("{\"href\":\"/x\"}", System.Text.Encoding.UTF8, "application/json") };
        Assert.That(await Transformer().TransformResponseAsync(json, data, CancellationToken.None), Is.True, "the forwarder copies the body as is");
        Assert.That(body.Length, Is.Zero);
    }

    private static ProxyTransformer Transformer() =>
        new(new ProxyTarget(new Uri("http://10.244.0.5:8080/"), false), null, "web", new ProxiedLinks(Prefix, "10.244.0.5:8080", "localhost:8001"));

    private static (Microsoft.AspNetCore.Http.DefaultHttpContext Context, MemoryStream Body) Context()
    {
        var body = new MemoryStream();
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        context.Request.Method = "GET";
        context.Response.Body = body;
        return (context, body);
    }

    private static byte[] Encode(string text, string encoding)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        if (encoding.Length == 0)
        {
            return bytes;
        }

        using var output = new MemoryStream();
        using (Stream encoder = encoding == "gzip"
            ? new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionMode.Compress)
            : new System.IO.Compression.DeflateStream(output, System.IO.Compression.CompressionMode.Compress))
        {
            encoder.Write(bytes);
        }

        return output.ToArray();
    }

    private static string Decode(byte[] bytes, string encoding)
    {
        using Stream input = encoding switch
        {
            "gzip" => new System.IO.Compression.GZipStream(new MemoryStream(bytes), System.IO.Compression.CompressionMode.Decompress),
            "deflate" => new System.IO.Compression.DeflateStream(new MemoryStream(bytes), System.IO.Compression.CompressionMode.Decompress),
            _ => new MemoryStream(bytes),
        };
        using var reader = new StreamReader(input);
        return reader.ReadToEnd();
    }
}
