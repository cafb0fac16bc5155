using LocalKube.Core.Kubeconfig;

namespace LocalKube.Core.Tests.Kubeconfig;

/// <summary>
/// The YAML-library-free reader <c>status</c> uses for the kubeconfig: the block style kubectl and LocalKube write is
/// read as the YAML library reads it, and anything outside that subset is refused (null), so the caller falls back.
/// </summary>
[TestFixture]
public sealed class BlockYamlTests
{
    private const string KubectlStyle = """
        apiVersion: v1
        clusters:
        - cluster:
            certificate-authority-data: LS0tLS1CRUdJTi==
            extensions:
            - extension:
                last-update: "2026-12-07T06:00:00Z"
                provider: localkube.io
              name: localkube.io
            server: https://127.0.0.1:32771
          name: dev
        - cluster:
            server: 'https://10.0.0.1:6443' # a comment
          name: other
        contexts:
        - context:
            cluster: dev
            namespace: ""
            user: dev
          name: dev
        current-context: dev
        kind: Config
        preferences: {}
        users:
        - name: dev
          user:
            client-certificate-data: LS0t
        """;

    [Test]
    public void Kubectl_style_documents_are_read_as_the_yaml_library_reads_them()
    {
        var root = (Dictionary<string, object?>)BlockYaml.TryParse(KubectlStyle)!;
        Assert.That(root["preferences"], Is.Empty);
        var clusters = (List<object?>)root["clusters"]!;
        Assert.That(clusters, Has.Count.EqualTo(2));
        var dev = (Dictionary<string, object?>)clusters[0]!;
        Assert.That(dev["name"], Is.EqualTo("dev"));
        var cluster = (Dictionary<string, object?>)dev["cluster"]!;
        Assert.That(cluster["server"], Is.EqualTo("https://127.0.0.1:32771"));
        var stamp = (Dictionary<string, object?>)((List<object?>)cluster["extensions"]!)[0]!;
        Assert.That(stamp["name"], Is.EqualTo("localkube.io"));
        Assert.That(((Dictionary<string, object?>)stamp["extension"]!)["last-update"], Is.EqualTo("2026-12-07T06:00:00Z"));
        Assert.That(((Dictionary<string, object?>)((Dictionary<string, object?>)clusters[1]!)["cluster"]!)["server"], Is.EqualTo("https://10.0.0.1:6443"));
        var context = (Dictionary<string, object?>)((Dictionary<string, object?>)((List<object?>)root["contexts"]!)[0]!)["context"]!;
        Assert.That(context["namespace"], Is.EqualTo(""));
        Assert.That(root["current-context"], Is.EqualTo("dev"));
        Assert.That(((Dictionary<string, object?>)((Dictionary<string, object?>)((List<object?>)root["users"]!)[0]!)["user"]!)["client-certificate-data"], Is.EqualTo("LS0t"));
    }

    [Test]
    public void Indented_sequences_and_nested_items_are_read_too()
    {
        var root = (Dictionary<string, object?>)BlockYaml.TryParse("a:\n  - x\n  - - y\n    - z\n  -\n    k: v\nb: 'it''s'\n")!;
        var a = (List<object?>)root["a"]!;
        Assert.That(a[0], Is.EqualTo("x"));
        Assert.That(a[1], Is.EqualTo(new List<object?> { "y", "z" }));
        Assert.That(((Dictionary<string, object?>)a[2]!)["k"], Is.EqualTo("v"));
        Assert.That(root["b"], Is.EqualTo("it's"));
    }

    [TestCase("preferences: {colors: true}\n")]
    [TestCase("a: [x, y]\n")]
    [TestCase("a: &anchor x\nb: *anchor\n")]
    [TestCase("a: !!str x\n")]
    [TestCase("a: |\n  text\n")]
    [TestCase("a: >\n  text\n")]
    [TestCase("a: plain\n  continued\n")]
    [TestCase("a: \"escaped\\n\"\n")]
    [TestCase("\ta: x\n")]
    [TestCase("a: x\n---\nb: y\n")]
    [TestCase("a:\n    b: x\n  c: y\n")]
    [TestCase("just text\n")]
    public void Anything_outside_the_subset_is_refused(string yaml) =>
        Assert.That(BlockYaml.TryParse(yaml), Is.Null);

    [Test]
    public async Task The_server_read_without_the_library_is_the_one_read_with_it()
    {
        using var temp = new LocalKube.Testing.TempDirectory();
        var path = temp.Combine("config");
        await File.WriteAllTextAsync(path, KubectlStyle);
        var store = new KubeconfigStore(path, TimeProvider.System);
        Assert.That(await store.GetServerAsync("dev", CancellationToken.None), Is.EqualTo(new Uri("https://127.0.0.1:32771")));
        Assert.That(await store.GetServerAsync("other", CancellationToken.None), Is.Null, "not stamped as ours");
        Assert.That(await store.GetServerAsync("missing", CancellationToken.None), Is.Null);

        // Outside the subset (a flow sequence): the YAML library reads it, with the same answers.
        var flow = KubectlStyle.Replace("preferences: {}", "preferences: {tags: [a, b]}", StringComparison.Ordinal);
        await File.WriteAllTextAsync(path, flow);
        Assert.That(BlockYaml.TryParse(flow), Is.Null);
        Assert.That(await store.GetServerAsync("dev", CancellationToken.None), Is.EqualTo(new Uri("https://127.0.0.1:32771")));
        Assert.That(await store.GetServerAsync("other", CancellationToken.None), Is.Null);
    }
}
