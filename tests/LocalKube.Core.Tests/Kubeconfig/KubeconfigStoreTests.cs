using k8s;
using LocalKube.Abstractions.Errors;
using LocalKube.Core.Certificates;
using LocalKube.Core.Kubeconfig;
using LocalKube.Core.Paths;
using LocalKube.Core.Tests.Support;
using LocalKube.Testing;
using YamlDotNet.RepresentationModel;

namespace LocalKube.Core.Tests.Kubeconfig;

[TestFixture]
public sealed class KubeconfigStoreTests
{
    private static ProfileCertificates _certificates = null!;
    private static TempDirectory _pkiHome = null!;

    private TempDirectory _temp = null!;
    private string _path = null!;
    private KubeconfigStore _store = null!;

    private static string Fixture => File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "kubeconfig-foreign.yaml"));

    [OneTimeSetUp]
    public static async Task OneTimeSetUp()
    {
        _pkiHome = new TempDirectory();
        _certificates = await new Pki(new LocalKubePaths(_pkiHome.Path), TimeProvider.System).EnsureAsync("dev", [], CancellationToken.None);
    }

    [OneTimeTearDown]
    public static void OneTimeTearDown() => _pkiHome.Dispose();

    [SetUp]
    public void SetUp()
    {
        _temp = new TempDirectory();
        _path = _temp.Combine("dot-kube", "config");
        _store = new KubeconfigStore(_path, TimeProvider.System);
    }

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private static KubeconfigEntry Entry(string profile = "dev", int port = 32771, bool keepContext = false) => new(
        profile,
        new Uri($"https://127.0.0.1:{port}"),
        _certificates.CaCertificate.Pem,
        _certificates.AdminCertificate.Pem,
        _certificates.AdminKey.Pem,
        keepContext);

    private YamlMappingNode Read() => YamlMeaning.Parse(File.ReadAllText(_path));

    [Test]
    public async Task The_file_we_write_is_read_back_without_the_yaml_library()
    {
        await _store.UpdateAsync(Entry(port: 32999), CancellationToken.None);
        await _store.UpdateAsync(Entry("second", port: 33000), CancellationToken.None);
        Assert.That(BlockYaml.TryParse(File.ReadAllText(_path)), Is.Not.Null, File.ReadAllText(_path));
        Assert.That(await _store.GetServerAsync("dev", CancellationToken.None), Is.EqualTo(new Uri("https://127.0.0.1:32999")));
        Assert.That(await _store.GetServerAsync("second", CancellationToken.None), Is.EqualTo(new Uri("https://127.0.0.1:33000")));
    }

    [Test]
    public async Task A_cluster_added_after_the_last_one_was_deleted_is_written_in_block_style()
    {
        // Deleting the only cluster leaves "clusters: []"; read back, that list is a flow sequence, and the next
        // cluster used to be written inside it on one line (which `status` then read through the slow path).
        await _store.UpdateAsync(Entry(port: 32999), CancellationToken.None);
        await _store.RemoveAsync("dev", CancellationToken.None);
        Assert.That(File.ReadAllText(_path), Does.Contain("clusters: []"));

        await _store.UpdateAsync(Entry(port: 33001), CancellationToken.None);
        var text = File.ReadAllText(_path);
        Assert.That(text, Does.Not.Contain("[{"), text);
        Assert.That(BlockYaml.TryParse(text), Is.Not.Null, text);
        Assert.That(await _store.GetServerAsync("dev", CancellationToken.None), Is.EqualTo(new Uri("https://127.0.0.1:33001")));
    }

    [Test]
    public async Task Update_NoFile_CreatesItOwnerOnlyWithEmbeddedCredentials()
    {
        await _store.UpdateAsync(Entry(), CancellationToken.None);

        var root = Read();
        var cluster = (YamlMappingNode)YamlMeaning.Entry(root, "clusters", "dev")!["cluster"];
        var user = (YamlMappingNode)YamlMeaning.Entry(root, "users", "dev")!["user"];
        var context = (YamlMappingNode)YamlMeaning.Entry(root, "contexts", "dev")!["context"];
        Assert.Multiple(() =>
        {
            Assert.That(cluster["server"].ToString(), Is.EqualTo("https://127.0.0.1:32771"));
            Assert.That(cluster["certificate-authority-data"].ToString(), Is.EqualTo(_certificates.CaCertificate.ToBase64()));
            Assert.That(user["client-certificate-data"].ToString(), Is.EqualTo(_certificates.AdminCertificate.ToBase64()));
            Assert.That(user["client-key-data"].ToString(), Is.EqualTo(_certificates.AdminKey.ToBase64()));
            Assert.That(context["cluster"].ToString(), Is.EqualTo("dev"));
            Assert.That(context["user"].ToString(), Is.EqualTo("dev"));
            Assert.That(root["current-context"].ToString(), Is.EqualTo("dev"));
            Assert.That(root["apiVersion"].ToString(), Is.EqualTo("v1"));
            Assert.That(root["kind"].ToString(), Is.EqualTo("Config"));
            Assert.That(File.Exists(_path + ".lock"), Is.False, "lock released");
            Assert.That(File.ReadAllText(_path), Does.Not.Contain("..."), "no explicit document end");
            if (!OperatingSystem.IsWindows())
            {
                Assert.That(UnixMode.Of(_path), Is.EqualTo("600"));
            }
        });
    }

    [Test]
    public async Task Update_Output_IsReadByTheKubernetesClient()
    {
        await _store.UpdateAsync(Entry(), CancellationToken.None);
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(_path);
        Assert.Multiple(() =>
        {
            Assert.That(config.Host, Is.EqualTo("https://127.0.0.1:32771"));
            Assert.That(config.SslCaCerts, Has.Count.EqualTo(1));
            Assert.That(config.ClientCertificateData, Is.Not.Empty);
            Assert.That(config.ClientCertificateKeyData, Is.Not.Empty);
        });
    }

    [Test]
    public async Task Update_StampsOurEntries()
    {
        await _store.UpdateAsync(Entry(), CancellationToken.None);
        var root = Read();
        foreach (var (section, item) in new[] { ("clusters", "cluster"), ("contexts", "context"), ("users", "user") })
        {
            var extensions = (YamlSequenceNode)((YamlMappingNode)YamlMeaning.Entry(root, section, "dev")![item])["extensions"];
            var stamp = (YamlMappingNode)extensions.Children.Cast<YamlMappingNode>().Single(e => e["name"].ToString() == "localkube.io")["extension"];
            Assert.Multiple(() =>
            {
                Assert.That(stamp["provider"].ToString(), Is.EqualTo("localkube.io"));
                Assert.That(stamp["version"].ToString(), Does.StartWith("v"));
                Assert.That(DateTimeOffset.TryParse(stamp["last-update"].ToString(), out _), Is.True);
            });
        }
    }

    [Test]
    public async Task Update_ForeignFile_KeepsEveryOtherEntryAndUnknownField()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        await File.WriteAllTextAsync(_path, Fixture);
        var before = YamlMeaning.Parse(Fixture);

        await _store.UpdateAsync(Entry(), CancellationToken.None);

        var after = Read();
        Assert.Multiple(() =>
        {
            foreach (var key in new[] { "preferences", "extensions", "x-unknown-top-level", "apiVersion", "kind" })
            {
                Assert.That(YamlMeaning.Of(after[key]), Is.EqualTo(YamlMeaning.Of(before[key])), key);
            }

            foreach (var (section, name) in new[] { ("clusters", "prod"), ("users", "prod-admin"), ("contexts", "prod") })
            {
                Assert.That(YamlMeaning.Of(YamlMeaning.Entry(after, section, name)), Is.EqualTo(YamlMeaning.Of(YamlMeaning.Entry(before, section, name))), name);
            }

            Assert.That(after["current-context"].ToString(), Is.EqualTo("dev"));
            Assert.That(((YamlSequenceNode)after["clusters"]).Children, Has.Count.EqualTo(2));
        });
    }

    [Test]
    public async Task Update_ForeignFile_LongValuesStayOnOneLine()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        await File.WriteAllTextAsync(_path, Fixture);
        await _store.UpdateAsync(Entry(), CancellationToken.None);
        Assert.That(await File.ReadAllLinesAsync(_path), Has.Some.Contains("if the emitter folded it"));
    }

    [Test]
    public async Task Update_KeepContext_LeavesCurrentContext()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        await File.WriteAllTextAsync(_path, Fixture);
        await _store.UpdateAsync(Entry(keepContext: true), CancellationToken.None);
        Assert.That(Read()["current-context"].ToString(), Is.EqualTo("prod"));
    }

    [Test]
    public async Task Update_Again_UpdatesInPlaceAndKeepsTheUsersNamespace()
    {
        await _store.UpdateAsync(Entry(port: 1111), CancellationToken.None);
        // The user sets a namespace on our context, as 'kubectl config set-context --current --namespace=x' does.
        var text = await File.ReadAllTextAsync(_path);
        var root = YamlMeaning.Parse(text);
        ((YamlMappingNode)YamlMeaning.Entry(root, "contexts", "dev")!["context"]).Children["namespace"] = new YamlScalarNode("apps");
        await using (var writer = File.CreateText(_path))
        {
            new YamlStream(new YamlDocument(root)).Save(writer, false);
        }

        await _store.UpdateAsync(Entry(port: 2222), CancellationToken.None);

        var after = Read();
        Assert.Multiple(() =>
        {
            Assert.That(((YamlSequenceNode)after["clusters"]).Children, Has.Count.EqualTo(1));
            Assert.That(((YamlSequenceNode)after["contexts"]).Children, Has.Count.EqualTo(1));
            Assert.That(((YamlMappingNode)YamlMeaning.Entry(after, "clusters", "dev")!["cluster"])["server"].ToString(), Is.EqualTo("https://127.0.0.1:2222"));
            Assert.That(((YamlMappingNode)YamlMeaning.Entry(after, "contexts", "dev")!["context"])["namespace"].ToString(), Is.EqualTo("apps"));
        });
    }

    [TestCase("clusters")]
    [TestCase("users")]
    [TestCase("contexts")]
    public async Task Update_ForeignEntryWithOurName_RefusesAndWritesNothing(string section)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        var name = section switch { "users" => "prod-admin", _ => "prod" };
        await File.WriteAllTextAsync(_path, Fixture);

        var e = Assert.ThrowsAsync<LocalKubeException>(() => _store.UpdateAsync(Entry(profile: name), CancellationToken.None));

        Assert.Multiple(async () =>
        {
            Assert.That(e!.Reason, Is.EqualTo(Reasons.KubeconfigUpdate));
            Assert.That(e.Message, Does.Contain(name).And.Contain("did not create"));
            Assert.That(await File.ReadAllTextAsync(_path), Is.EqualTo(Fixture));
        });
    }

    [Test]
    public async Task Update_MalformedYaml_ThrowsNamingFileAndLineAndWritesNothing()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        const string broken = "apiVersion: v1\nclusters:\n- name: a\n  cluster: {server: [unclosed\nusers: []\n";
        await File.WriteAllTextAsync(_path, broken);

        var e = Assert.ThrowsAsync<LocalKubeException>(() => _store.UpdateAsync(Entry(), CancellationToken.None));

        Assert.Multiple(async () =>
        {
            Assert.That(e!.Reason, Is.EqualTo(Reasons.KubeconfigUpdate));
            Assert.That(e.Message, Does.Contain(_path).And.Match(@"line \d+"));
            Assert.That(await File.ReadAllTextAsync(_path), Is.EqualTo(broken));
            Assert.That(Directory.GetFiles(Path.GetDirectoryName(_path)!), Has.Length.EqualTo(1), "no temp or lock file left");
        });
    }

    [Test]
    public async Task Update_WrongShape_ThrowsNamingTheLine()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        await File.WriteAllTextAsync(_path, "apiVersion: v1\nclusters:\n  prod: {}\n");
        var e = Assert.ThrowsAsync<LocalKubeException>(() => _store.UpdateAsync(Entry(), CancellationToken.None));
        Assert.That(e!.Message, Does.Contain("'clusters' at line 3 is not a list"));
    }

    [Test]
    public async Task Update_EmptyFile_IsTreatedAsEmptyConfig()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        await File.WriteAllTextAsync(_path, "");
        await _store.UpdateAsync(Entry(), CancellationToken.None);
        Assert.That(await _store.GetServerAsync("dev", CancellationToken.None), Is.EqualTo(new Uri("https://127.0.0.1:32771")));
    }

    [Test]
    public async Task Update_SymlinkedKubeconfig_WritesThroughTheLink()
    {
        UnixMode.RequireUnix();
        var target = _temp.Combine("dotfiles", "kubeconfig");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        await File.WriteAllTextAsync(target, Fixture);
        File.CreateSymbolicLink(_path, target);

        await _store.UpdateAsync(Entry(), CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(new FileInfo(_path).LinkTarget, Is.EqualTo(target));
            Assert.That(await File.ReadAllTextAsync(target), Does.Contain("localkube.io"));
        });
    }

    [Test]
    public async Task Remove_RemovesOnlyOurEntriesAndClearsCurrentContext()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        await File.WriteAllTextAsync(_path, Fixture);
        await _store.UpdateAsync(Entry(), CancellationToken.None);

        Assert.That(await _store.RemoveAsync("dev", CancellationToken.None), Is.True);

        var after = Read();
        var before = YamlMeaning.Parse(Fixture);
        Assert.Multiple(() =>
        {
            Assert.That(YamlMeaning.Entry(after, "clusters", "dev"), Is.Null);
            Assert.That(YamlMeaning.Entry(after, "users", "dev"), Is.Null);
            Assert.That(YamlMeaning.Entry(after, "contexts", "dev"), Is.Null);
            Assert.That(after["current-context"].ToString(), Is.Empty);
            Assert.That(YamlMeaning.Of(after["clusters"]), Is.EqualTo(YamlMeaning.Of(before["clusters"])));
            Assert.That(YamlMeaning.Of(after["users"]), Is.EqualTo(YamlMeaning.Of(before["users"])));
            Assert.That(YamlMeaning.Of(after["contexts"]), Is.EqualTo(YamlMeaning.Of(before["contexts"])));
        });
    }

    [Test]
    public async Task Remove_CurrentContextElsewhere_LeavesIt()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        await File.WriteAllTextAsync(_path, Fixture);
        await _store.UpdateAsync(Entry(keepContext: true), CancellationToken.None);
        await _store.RemoveAsync("dev", CancellationToken.None);
        Assert.That(Read()["current-context"].ToString(), Is.EqualTo("prod"));
    }

    [Test]
    public async Task Remove_ForeignEntries_AreNeverTouched()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        await File.WriteAllTextAsync(_path, Fixture);
        Assert.That(await _store.RemoveAsync("prod", CancellationToken.None), Is.False);
        Assert.That(await File.ReadAllTextAsync(_path), Is.EqualTo(Fixture), "not even rewritten");
    }

    [Test]
    public async Task Remove_NoFile_ReturnsFalseAndCreatesNothing()
    {
        Assert.That(await _store.RemoveAsync("dev", CancellationToken.None), Is.False);
        Assert.That(Directory.Exists(Path.GetDirectoryName(_path)), Is.False);
    }

    [Test]
    public async Task GetServer_OnlyForOurEntries()
    {
        Assert.That(await _store.GetServerAsync("dev", CancellationToken.None), Is.Null, "no file");
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        await File.WriteAllTextAsync(_path, Fixture);
        await _store.UpdateAsync(Entry(), CancellationToken.None);
        Assert.Multiple(async () =>
        {
            Assert.That(await _store.GetServerAsync("dev", CancellationToken.None), Is.EqualTo(new Uri("https://127.0.0.1:32771")));
            Assert.That(await _store.GetServerAsync("prod", CancellationToken.None), Is.Null);
            Assert.That(await _store.GetCurrentContextAsync(CancellationToken.None), Is.EqualTo("dev"));
        });
    }

    [Test]
    public async Task Update_Concurrent_LosesNoUpdate()
    {
        var stores = Enumerable.Range(0, 8).Select(_ => new KubeconfigStore(_path, TimeProvider.System)).ToList();
        await Task.WhenAll(stores.Select((s, i) => Task.Run(() => s.UpdateAsync(Entry(profile: $"p{i}"), CancellationToken.None))));
        Assert.That(((YamlSequenceNode)Read()["contexts"]).Children, Has.Count.EqualTo(8));
    }

    [Test]
    public void K8SConfiguration_RoundTrip_DropsFields_WhichIsWhyTheStoreEditsTheYamlTree()
    {
        var model = KubernetesYaml.Deserialize<k8s.KubeConfigModels.K8SConfiguration>(Fixture);
        var text = KubernetesYaml.Serialize(model);
        Assert.That(text, Does.Not.Contain("x-unknown-top-level").Or.Not.Contain("tls-server-name"));
    }
}
