using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Validation;
using LocalKube.Node.Machinery.Validation;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.Validation;

[TestFixture]
public sealed class MetaValidationTests
{
    [TestCase("web", true)]
    [TestCase("a.b-c", true)]
    [TestCase("Web", false)]
    [TestCase("-a", false)]
    [TestCase("a\n", false)]
    public void Subdomain(string name, bool valid) => Assert.That(NameValidation.IsDns1123Subdomain(name), Is.EqualTo(valid));

    [Test]
    public void Invalid_name_is_worded_as_upstream()
    {
        var errors = Validate(new V1ObjectMeta { Name = "Bad_Name", NamespaceProperty = "default" }, true, NameValidation.NameIsDns1123Subdomain);
        Assert.That(errors, Has.Count.EqualTo(1));
        Assert.That(StatusCauses.Describe(errors[0]), Is.EqualTo(
            "metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', " +
            "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"));
        Assert.That(errors[0].Reason, Is.EqualTo("FieldValueInvalid"));
    }

    [Test]
    public void Missing_name_namespace_and_bad_labels()
    {
        var meta = new V1ObjectMeta
        {
            Labels = new Dictionary<string, string> { ["a/b/c"] = "ok", ["k"] = "bad value" },
            Annotations = new Dictionary<string, string> { ["big"] = new string('x', 300_000) },
            Finalizers = ["custom"],
        };
        var messages = Validate(meta, true, NameValidation.NameIsDns1123Subdomain).Select(StatusCauses.Describe).ToList();
        Assert.That(messages, Does.Contain("metadata.name: Required value: name or generateName is required"));
        Assert.That(messages, Does.Contain("metadata.namespace: Required value"));
        Assert.That(messages, Has.Some.StartsWith("metadata.labels: Invalid value: \"a/b/c\": a qualified name must consist of"));
        Assert.That(messages, Has.Some.StartsWith("metadata.labels: Invalid value: \"bad value\": a valid label must be an empty string"));
        Assert.That(messages, Does.Contain("metadata.annotations: Too long: may not be more than 262144 bytes"));
        Assert.That(messages, Does.Contain("metadata.finalizers: Invalid value: \"custom\": name is neither a standard finalizer name nor is it fully qualified"));
    }

    [Test]
    public void Generate_name_may_end_with_a_dash_and_cluster_scoped_forbids_namespace()
    {
        var errors = Validate(new V1ObjectMeta { GenerateName = "web-", Name = "web-abcde", NamespaceProperty = "x" }, false, NameValidation.NameIsDns1123Label);
        Assert.That(errors.Select(StatusCauses.Describe), Is.EqualTo(new[] { "metadata.namespace: Forbidden: not allowed on this type" }));
    }

    private static FieldErrors Validate(V1ObjectMeta meta, bool namespaced, Func<string, bool, IEnumerable<string>> nameRule)
    {
        var errors = new FieldErrors();
        MetaValidation.Validate(meta, namespaced, (name, prefix) => nameRule(name, prefix).ToList(), errors);
        return errors;
    }
}
