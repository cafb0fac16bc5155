using System.Text.Json;
using LocalKube.Abstractions.Drivers;
using LocalKube.Abstractions.Errors;
using LocalKube.Core.Paths;
using LocalKube.Core.Profiles;
using LocalKube.Core.Tests.Support;
using LocalKube.Testing;

namespace LocalKube.Core.Tests.Profiles;

[TestFixture]
public sealed class ProfileStoreTests
{
    private TempDirectory _temp = null!;
    private LocalKubePaths _paths = null!;
    private ProfileStore _store = null!;

    [SetUp]
    public void SetUp()
    {
        _temp = new TempDirectory();
        _paths = new LocalKubePaths(_temp.Combine("home"));
        _store = new ProfileStore(_paths);
    }

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private static ClusterConfig Sample(string name = "dev") => new()
    {
        Name = name,
        Driver = "docker",
        Cpus = 4,
        MemoryMiB = 4096,
        ApiServerPort = 32771,
        Ports = [new PortMapping(8080, 80), new PortMapping(5353, 53, "udp")],
        ExtraConfig = ["apiserver.v=2"],
        EtcdServers = ["http://127.0.0.1:2379"],
        KeepContext = true,
        CreatedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
        Nodes = [new ClusterNode(name, NodeRole.ControlPlane), new ClusterNode(name + "-m02", NodeRole.Worker)],
    };

    [Test]
    public async Task SaveThenLoad_RoundTripsEveryField()
    {
        var saved = Sample();
        await _store.SaveAsync(saved, CancellationToken.None);
        var loaded = await _store.LoadAsync("dev", CancellationToken.None);

        Assert.That(loaded, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(loaded!.SchemaVersion, Is.EqualTo(ClusterConfig.CurrentSchemaVersion));
            Assert.That(loaded.Name, Is.EqualTo("dev"));
            Assert.That(loaded.Driver, Is.EqualTo("docker"));
            Assert.That(loaded.Cpus, Is.EqualTo(4));
            Assert.That(loaded.MemoryMiB, Is.EqualTo(4096));
            Assert.That(loaded.ApiServerPort, Is.EqualTo(32771));
            Assert.That(loaded.Ports, Is.EqualTo(saved.Ports));
            Assert.That(loaded.ExtraConfig, Is.EqualTo(saved.ExtraConfig));
            Assert.That(loaded.EtcdServers, Is.EqualTo(saved.EtcdServers));
            Assert.That(loaded.KeepContext, Is.True);
            Assert.That(loaded.CreatedAt, Is.EqualTo(saved.CreatedAt));
            Assert.That(loaded.Nodes, Is.EqualTo(saved.Nodes));
            Assert.That(loaded.KubernetesVersion, Is.EqualTo("v1.32.4"));
        });
    }

    [Test]
    public async Task Save_WritesCamelCaseJsonWithSchemaVersionAndKebabRoles()
    {
        await _store.SaveAsync(Sample(), CancellationToken.None);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(_paths.ProfileConfigFile("dev")));
        var root = json.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("schemaVersion").GetInt32(), Is.EqualTo(1));
            Assert.That(root.GetProperty("memoryMiB").GetInt64(), Is.EqualTo(4096));
            Assert.That(root.GetProperty("apiServerPort").GetInt32(), Is.EqualTo(32771));
            Assert.That(root.GetProperty("kubernetesVersion").GetString(), Is.EqualTo("v1.32.4"));
            Assert.That(root.GetProperty("nodes")[0].GetProperty("role").GetString(), Is.EqualTo("control-plane"));
            Assert.That(root.GetProperty("ports")[1].GetProperty("protocol").GetString(), Is.EqualTo("udp"));
        });
    }

    [Test]
    public async Task Save_FileIsOwnerOnlyAndNoTempFileRemains()
    {
        UnixMode.RequireUnix();
        await _store.SaveAsync(Sample(), CancellationToken.None);
        await _store.SaveAsync(Sample() with { Cpus = 8 }, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(UnixMode.Of(_paths.ProfileConfigFile("dev")), Is.EqualTo("600"));
            Assert.That(Directory.GetFiles(_paths.ProfileDirectory("dev")), Has.Length.EqualTo(1));
        });
    }

    [Test]
    public void Save_InvalidName_Throws()
    {
        var e = Assert.ThrowsAsync<LocalKubeException>(() => _store.SaveAsync(Sample("Bad"), CancellationToken.None));
        Assert.That(e!.Reason, Is.EqualTo(Reasons.ProfileNameInvalid));
    }

    [Test]
    public async Task Load_Missing_ReturnsNull() =>
        Assert.That(await _store.LoadAsync("nope", CancellationToken.None), Is.Null);

    [Test]
    public async Task Load_CorruptJson_ThrowsNamingFileAndLine()
    {
        await _store.SaveAsync(Sample(), CancellationToken.None);
        var file = _paths.ProfileConfigFile("dev");
        await File.WriteAllTextAsync(file, "{\n  \"schemaVersion\": 1,\n  \"name\": \"dev\",\n  oops\n}");
        var e = Assert.ThrowsAsync<LocalKubeException>(() => _store.LoadAsync("dev", CancellationToken.None));
        Assert.Multiple(() =>
        {
            Assert.That(e!.Reason, Is.EqualTo(Reasons.ProfileCorrupt));
            Assert.That(e.Message, Does.Contain(file));
            Assert.That(e.Message, Does.Contain("line 4"));
        });
    }

    [Test]
    public async Task Load_NewerSchema_ThrowsCorrupt()
    {
        await _store.SaveAsync(Sample(), CancellationToken.None);
        var file = _paths.ProfileConfigFile("dev");
        await File.WriteAllTextAsync(file, (await File.ReadAllTextAsync(file)).Replace("\"schemaVersion\": 1", "\"schemaVersion\": 99"));
        var e = Assert.ThrowsAsync<LocalKubeException>(() => _store.LoadAsync("dev", CancellationToken.None));
        Assert.That(e!.Message, Does.Contain("schemaVersion 99"));
    }

    [Test]
    public async Task List_SplitsValidAndInvalid()
    {
        await _store.SaveAsync(Sample("b"), CancellationToken.None);
        await _store.SaveAsync(Sample("a"), CancellationToken.None);
        await _store.SaveAsync(Sample("corrupt"), CancellationToken.None);
        await File.WriteAllTextAsync(_paths.ProfileConfigFile("corrupt"), "{");
        Directory.CreateDirectory(_paths.ProfileDirectory("empty"));
        Directory.CreateDirectory(_paths.ProfileDirectory("Bad_Name"));

        var list = await _store.ListAsync(CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(list.Valid.Select(p => p.Name), Is.EqualTo(new[] { "a", "b" }));
            Assert.That(list.Invalid.Select(p => p.Name), Is.EquivalentTo(new[] { "Bad_Name", "corrupt", "empty" }));
            Assert.That(list.Invalid.Single(p => p.Name == "empty").Problem, Does.Contain("missing"));
            Assert.That(list.Invalid.Single(p => p.Name == "Bad_Name").Problem, Does.Contain("invalid name"));
        });
    }

    [Test]
    public async Task List_NoHome_IsEmpty()
    {
        var list = await _store.ListAsync(CancellationToken.None);
        Assert.That(list.Valid.Count + list.Invalid.Count, Is.Zero);
    }

    [Test]
    public async Task Delete_CorruptProfile_RemovesTheWholeFolder()
    {
        await _store.SaveAsync(Sample(), CancellationToken.None);
        await File.WriteAllTextAsync(_paths.ProfileConfigFile("dev"), "garbage");
        Directory.CreateDirectory(_paths.MachineDirectory("dev", "dev"));

        Assert.That(await _store.DeleteAsync("dev", CancellationToken.None), Is.True);
        Assert.That(Directory.Exists(_paths.ProfileDirectory("dev")), Is.False);
        Assert.That(await _store.DeleteAsync("dev", CancellationToken.None), Is.False);
    }

    [Test]
    public void Load_Cancelled_Throws()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.That(async () => await _store.ListAsync(cts.Token), Throws.Nothing, "no profiles, nothing to cancel");
        Directory.CreateDirectory(_paths.ProfileDirectory("dev"));
        Assert.That(async () => await _store.ListAsync(cts.Token), Throws.InstanceOf<OperationCanceledException>());
    }
}
