using LocalKube.Dashboard.Security;
using Microsoft.AspNetCore.Http;

namespace LocalKube.Dashboard.Tests.Unit;

[TestFixture]
[Category("Unit")]
public sealed class AccessGuardTests
{
    private readonly DashboardSecret _secret = DashboardSecret.Create();

    [TestCase("127.0.0.1:4000", true)]
    [TestCase("localhost:4000", true)]
    [TestCase("[::1]:4000", true)]
    [TestCase("127.0.0.1:4001", false)]
    [TestCase("evil.test:4000", false)]
    [TestCase("127.0.0.1.nip.io:4000", false)]
    [TestCase("", false)]
    public void Host(string host, bool allowed) => Assert.That(Guard().IsAllowedHost(new HostString(host)), Is.EqualTo(allowed));

    [TestCase("http://127.0.0.1:4000", null, true)]
    [TestCase("http://localhost:4000", "same-origin", true)]
    [TestCase("http://127.0.0.1:4000", "same-site", false)]
    [TestCase("https://127.0.0.1:4000", null, false)]
    [TestCase("http://127.0.0.1:8080", null, false)]
    [TestCase("http://evil.test", null, false)]
    [TestCase("null", null, false)]
    [TestCase("", null, false)]
    public void Origin(string origin, string? fetchSite, bool allowed)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Origin = origin;
        if (fetchSite is not null)
        {
            context.Request.Headers["Sec-Fetch-Site"] = fetchSite;
        }

        Assert.That(Guard().IsOwnOrigin(context.Request), Is.EqualTo(allowed));
    }

    [Test]
    public async Task TheLinksToken_BecomesACookie_AndLeavesTheAddressBar()
    {
        var context = Request("GET", "/pods", "?ns=a&token=" + _secret.Value);
        var reached = false;
        await Guard().InvokeAsync(context, _ => { reached = true; return Task.CompletedTask; });
        Assert.That(reached, Is.False);
        Assert.That(context.Response.StatusCode, Is.EqualTo(302));
        Assert.That(context.Response.Headers.Location.ToString(), Is.EqualTo("/pods?ns=a"));
        Assert.That(context.Response.Headers.SetCookie.ToString(), Does.Contain("localkube-dashboard-4000=" + _secret.Value).And.Contain("httponly").And.Contain("samesite=strict"));
    }

    [Test]
    public async Task TheLinksToken_InAnyCase_LeavesTheAddressBar()
    {
        // Query names match case-insensitively, so "TOKEN" authenticates: it must not stay in the redirect either.
        var context = Request("GET", "/pods", "?TOKEN=" + _secret.Value + "&ns=a");
        await Guard().InvokeAsync(context, _ => Task.CompletedTask);
        Assert.That(context.Response.StatusCode, Is.EqualTo(302));
        Assert.That(context.Response.Headers.Location.ToString(), Is.EqualTo("/pods?ns=a"));
    }

    [Test]
    public async Task NoSecret_IsForbidden_AndTheAnswerDoesNotEchoIt()
    {
        var context = Request("GET", "/api/k8s/api/v1/pods", "?token=nope");
        context.Response.Body = new MemoryStream();
        await Guard().InvokeAsync(context, _ => Task.CompletedTask);
        Assert.That(context.Response.StatusCode, Is.EqualTo(403));
        context.Response.Body.Position = 0;
        var body = await new StreamReader(context.Response.Body).ReadToEndAsync();
        Assert.That(body, Does.Contain("\"reason\":\"Forbidden\"").And.Not.Contain("nope").And.Not.Contain(_secret.Value));
    }

    [Test]
    public async Task AWebSocketFromAnotherOrigin_IsRefused_EvenBeforeTheWebSocketMiddleware()
    {
        var context = Request("GET", "/api/watch", "?token=" + _secret.Value);
        context.Request.Headers.Upgrade = "websocket";
        context.Request.Headers.Connection = "Upgrade";
        context.Request.Headers.Origin = "http://evil.test";
        var reached = false;
        await Guard().InvokeAsync(context, _ => { reached = true; return Task.CompletedTask; });
        Assert.That(reached, Is.False);
        Assert.That(context.Response.StatusCode, Is.EqualTo(403));

        context.Request.Headers.Origin = "http://127.0.0.1:4000";
        context.Response.StatusCode = 200;
        await Guard().InvokeAsync(context, _ => { reached = true; return Task.CompletedTask; });
        Assert.That(reached, Is.True);
    }

    [Test]
    public void Secret_Is256BitsAndComparedExactly()
    {
        Assert.That(_secret.Value, Has.Length.EqualTo(43));
        Assert.That(_secret.Matches(_secret.Value), Is.True);
        Assert.That(_secret.Matches(_secret.Value[..^1] + "x"), Is.False);
        Assert.That(_secret.Matches(null), Is.False);
        Assert.That(_secret.ToString(), Does.Not.Contain(_secret.Value));
    }

    private AccessGuard Guard() => new(_secret, () => 4000);

    private static DefaultHttpContext Request(string method, string path, string query)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        context.Request.QueryString = new QueryString(query);
        context.Request.Host = new HostString("127.0.0.1:4000");
        return context;
    }
}
