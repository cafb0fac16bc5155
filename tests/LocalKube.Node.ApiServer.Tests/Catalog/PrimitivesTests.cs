using k8s.Models;
using LocalKube.Node.ApiServer.Catalog;
using LocalKube.Node.ApiServer.Catalog.Batch;
using LocalKube.Node.ApiServer.Catalog.Pods;
using LocalKube.Node.ApiServer.Catalog.Printing;
using LocalKube.Node.ApiServer.Catalog.Validation;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.Catalog;

[TestFixture]
public sealed class PrimitivesTests
{
    [TestCase(0, "0s")]
    [TestCase(-1, "0s")]
    [TestCase(-5, "<invalid>")]
    [TestCase(45, "45s")]
    [TestCase(119, "119s")]
    [TestCase(120, "2m")]
    [TestCase(330, "5m30s")]
    [TestCase(600, "10m")]
    [TestCase(3 * 3600 - 60, "179m")]
    [TestCase(3 * 3600, "3h")]
    [TestCase(5 * 3600 + 20 * 60, "5h20m")]
    [TestCase(8 * 3600 + 59 * 60, "8h")]
    [TestCase(47 * 3600, "47h")]
    [TestCase(51 * 3600, "2d3h")]
    [TestCase(3 * 86400, "3d")]
    [TestCase(9 * 86400, "9d")]
    [TestCase(400 * 86400, "400d")]
    [TestCase(740 * 86400, "2y10d")]
    [TestCase(730 * 86400, "2y")]
    [TestCase(3000 * 86400, "8y")]
    public void Human_duration_matches_kubectl(long seconds, string expected) =>
        Assert.That(Age.Human(TimeSpan.FromSeconds(seconds)), Is.EqualTo(expected));

    [Test]
    public void Missing_timestamp_is_unknown() => Assert.That(Age.Since(null, CatalogTestKit.Now), Is.EqualTo("<unknown>"));

    [TestCase("my-name", 0)]
    [TestCase("My-Name", 1)]
    [TestCase("-abc", 1)]
    [TestCase("abc.def", 1)]
    public void Dns_label(string value, int errors) => Assert.That(Names.Dns1123Label(value), Has.Count.EqualTo(errors));

    [Test]
    public void Dns_label_message_is_upstreams() =>
        Assert.That(Names.Dns1123Label("Web").Single(), Is.EqualTo(
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"));

    [Test]
    public void Subdomain_too_long_and_bad_gives_both_messages() =>
        Assert.That(Names.Dns1123Subdomain(new string('A', 254)), Has.Count.EqualTo(2).And.Contains("must be no more than 253 characters"));

    [Test]
    public void Service_names_follow_dns_1035() =>
        Assert.That(Names.Dns1035Label("1web").Single(), Does.StartWith("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character"));

    [TestCase("app", 0)]
    [TestCase("example.com/app", 0)]
    [TestCase("a/b/c", 1)]
    [TestCase("/app", 1)]
    [TestCase("app-", 1)]
    [TestCase("Example.com/app", 1)]
    public void Qualified_names(string key, int errors) => Assert.That(Names.QualifiedName(key), Has.Count.EqualTo(errors));

    [TestCase("http", 0)]
    [TestCase("http-metrics-long", 1)]
    [TestCase("HTTP", 1)]
    [TestCase("123", 1)]
    [TestCase("a--b", 1)]
    [TestCase("-ab", 1)]
    public void Port_names(string name, int errors) => Assert.That(Names.PortName(name), Has.Count.EqualTo(errors));

    [TestCase("..", 1)]
    [TestCase("a/b", 1)]
    [TestCase("a%b", 1)]
    [TestCase("system:controller:foo", 0)]
    public void Rbac_names_are_path_segments(string name, int errors) => Assert.That(Names.PathSegmentName(name, false), Has.Count.EqualTo(errors));

    [Test]
    public void Field_errors_render_like_upstream()
    {
        var e = new FieldErrors();
        var p = FieldPath.Root("spec", "template").Child("spec").Child("containers").Index(0).Child("name");
        e.Required(p);
        e.Invalid(FieldPath.Root("spec", "replicas"), -1, "must be greater than or equal to 0");
        e.NotSupported(FieldPath.Root("spec", "type"), "Foo", ["A", "B"]);
        e.Duplicate(FieldPath.Root("x").Key("k"), "v");
        e.Forbidden(FieldPath.Root("spec"), "nope");
        e.TooLong(FieldPath.Root("metadata", "annotations"), 262144);
        Assert.That(CatalogTestKit.Lines(e), Is.EqualTo(new[]
        {
            "spec.template.spec.containers[0].name: Required value (FieldValueRequired)",
            "spec.replicas: Invalid value: -1: must be greater than or equal to 0 (FieldValueInvalid)",
            "spec.type: Unsupported value: \"Foo\": supported values: \"A\", \"B\" (FieldValueNotSupported)",
            "x[k]: Duplicate value: \"v\" (FieldValueDuplicate)",
            "spec: Forbidden: nope (FieldValueForbidden)",
            "metadata.annotations: Too long: may not be more than 262144 bytes (FieldValueTooLong)",
        }));
    }

    [Test]
    public void Selectors_format_sorted_and_match()
    {
        var selector = new V1LabelSelector
        {
            MatchLabels = new Dictionary<string, string> { ["tier"] = "web", ["app"] = "x" },
            MatchExpressions =
            [
                new V1LabelSelectorRequirement { Key = "env", OperatorProperty = "In", Values = ["prod", "dev"] },
                new V1LabelSelectorRequirement { Key = "canary", OperatorProperty = "DoesNotExist" },
            ],
        };
        Assert.Multiple(() =>
        {
            Assert.That(Selectors.Format(selector), Is.EqualTo("app=x,!canary,env in (dev,prod),tier=web"));
            Assert.That(Selectors.FormatOrNone(null), Is.EqualTo("<none>"));
            Assert.That(Selectors.FormatLabels(new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" }), Is.EqualTo("a=1,b=2"));
            Assert.That(Selectors.Matches(selector, new Dictionary<string, string> { ["app"] = "x", ["tier"] = "web", ["env"] = "dev" }), Is.True);
            Assert.That(Selectors.Matches(selector, new Dictionary<string, string> { ["app"] = "x", ["tier"] = "web", ["env"] = "qa" }), Is.False);
            Assert.That(GoSelector.Literal(new V1LabelSelector { MatchLabels = CatalogTestKit.App("web2") }).Text,
                Is.EqualTo("v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"web2\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}"));
        });
    }

    [TestCase("nginx", "Always")]
    [TestCase("nginx:latest", "Always")]
    [TestCase("nginx:1.27", "IfNotPresent")]
    [TestCase("localhost:5000/app", "Always")]
    [TestCase("localhost:5000/app:v1", "IfNotPresent")]
    [TestCase("nginx@sha256:abc", "IfNotPresent")]
    public void Image_pull_policy_default(string image, string policy) => Assert.That(PodSpecDefaults.PullPolicyFor(image), Is.EqualTo(policy));

    [TestCase("*/5 * * * *", null)]
    [TestCase("@hourly", null)]
    [TestCase("0 0 * * MON-FRI", null)]
    [TestCase("foo", "expected exactly 5 fields, found 1: foo")]
    [TestCase("61 * * * *", "end of range (61) above maximum (59): 61")]
    [TestCase("@often", "unrecognized descriptor: @often")]
    public void Cron_schedules(string schedule, string? error) => Assert.That(CronSchedule.Check(schedule), Is.EqualTo(error));
}
