using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using LocalKube.Node.ApiServer.Authentication;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests;

[TestFixture]
public sealed class ServiceAccountTokenTests
{
    private const string Audience = ServiceAccountTokens.DefaultIssuer;

    private RSA _key = null!;
    private FakeTimeProvider _time = null!;

    [SetUp]
    public void SetUp()
    {
        _key = RSA.Create(2048);
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 15, 0, 0, TimeSpan.Zero));
    }

    [TearDown]
    public void TearDown() => _key.Dispose();

    [Test]
    public void Issued_token_validates_to_the_service_account_user()
    {
        var token = Issuer().Issue(Request() with { BoundObject = new ServiceAccountTokenBinding("Pod", "web-0", "pod-uid") });

        Assert.That(Validator().TryValidate(token, out var user, out var error), Is.True, error);
        Assert.Multiple(() =>
        {
            Assert.That(user!.Name, Is.EqualTo("system:serviceaccount:apps:builder"));
            Assert.That(user.Uid, Is.EqualTo("sa-uid"));
            Assert.That(user.Groups, Is.EqualTo(new[] { "system:serviceaccounts", "system:serviceaccounts:apps" }));
            Assert.That(user.Extra!["authentication.kubernetes.io/pod-name"], Is.EqualTo(new[] { "web-0" }));
            Assert.That(user.Extra["authentication.kubernetes.io/credential-id"][0], Does.StartWith("JTI="));
        });
    }

    [Test]
    public void Header_names_RS256_and_the_upstream_key_id()
    {
        var token = Issuer().Issue(Request());
        var header = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token.Split('.')[0]));
        var kid = Base64Url.EncodeToString(SHA256.HashData(_key.ExportSubjectPublicKeyInfo()));
        Assert.That(header, Is.EqualTo($$"""{"alg":"RS256","kid":"{{kid}}"}"""));
    }

    [Test]
    public void Expired_token_is_rejected_after_the_leeway()
    {
        var token = Issuer().Issue(Request() with { Lifetime = TimeSpan.FromMinutes(10) });
        _time.Advance(TimeSpan.FromMinutes(10) + ServiceAccountTokenValidator.Leeway - TimeSpan.FromSeconds(1));
        Assert.That(Validator().TryValidate(token, out _, out _), Is.True);
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.That(Validator().TryValidate(token, out _, out var error), Is.False);
        Assert.That(error, Is.EqualTo("token expired"));
    }

    [Test]
    public void Wrong_audience_issuer_key_or_tampering_is_rejected()
    {
        Assert.That(Validator().TryValidate(Issuer().Issue(Request() with { Audiences = ["other"] }), out _, out _), Is.False);
        Assert.That(Validator().TryValidate(new ServiceAccountTokenIssuer(_key, "https://elsewhere", _time).Issue(Request()), out _, out _), Is.False);

        using var other = RSA.Create(2048);
        Assert.That(Validator().TryValidate(new ServiceAccountTokenIssuer(other, time: _time).Issue(Request()), out _, out var error), Is.False);
        Assert.That(error, Is.EqualTo("invalid signature"));

        var parts = Issuer().Issue(Request()).Split('.');
        var payload = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[1])).Replace("builder", "admin", StringComparison.Ordinal);
        var tampered = $"{parts[0]}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload))}.{parts[2]}";
        Assert.That(Validator().TryValidate(tampered, out _, out _), Is.False);
    }

    [TestCase("")]
    [TestCase("a.b")]
    [TestCase("not-a-jwt.at.all")]
    [TestCase("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")]
    public void Garbage_and_alg_none_are_rejected(string token) =>
        Assert.That(Validator().TryValidate(token, out _, out _), Is.False);

    private ServiceAccountTokenIssuer Issuer() => new(_key, time: _time);

    private ServiceAccountTokenValidator Validator() => new(_key, [Audience], time: _time);

    private static ServiceAccountTokenRequest Request() =>
        new("apps", "builder", "sa-uid", [Audience], TimeSpan.FromHours(1));
}
