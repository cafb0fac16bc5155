using System.Formats.Tar;
using System.Text;
using LocalKube.Abstractions.Drivers;
using LocalKube.Core.Images;
using LocalKube.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LocalKube.Cli.Tests.Node;

/// <summary><c>localkube image load|ls|rm|build</c> over a scripted node: arguments, output, and every error path.</summary>
[TestFixture]
[Category("Unit")]
public sealed class ImageCommandTests
{
    private const string Profile = "imgs";
    private static readonly string[] DockerLoad = ["docker", "load"];

    private ShellDriver _driver = null!;
    private CliHarness _cli = null!;

    [SetUp]
    public async Task SetUp()
    {
        _driver = new ShellDriver(ShellDriver.EngineDescriptor);
        _cli = new CliHarness(_driver);
        await _cli.AddProfileAsync(Profile);
    }

    [TearDown]
    public void TearDown() => _cli.Dispose();

    [Test]
    public async Task Load_ArchiveFile_IsStreamedIntoTheNodesDockerLoad()
    {
        var archive = _cli.Combine("app.tar");
        await File.WriteAllTextAsync(archive, "ARCHIVE-BYTES");
        _driver.Handler = (args, _) => args.SequenceEqual(DockerLoad) ? (0, "Loaded image: app:1\n", "") : (1, "", "unexpected");

        var code = await _cli.RunAsync("image", "load", archive, "-p", Profile);

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.Zero, _cli.Stderr);
            Assert.That(_cli.Stdout, Is.EqualTo("Loaded image: app:1\n"));
            Assert.That(_driver.Commands.Single().Arguments, Is.EqualTo(DockerLoad));
            Assert.That(_driver.Commands.Single().Stdin, Is.EqualTo("ARCHIVE-BYTES"));
        });
    }

    [Test]
    public async Task Load_FromStdin_ReadsTheArchiveThere()
    {
        _driver.Handler = (_, stdin) => (0, $"Loaded image: {stdin}\n", "");
        var images = _cli.Services.GetRequiredService<NodeImages>();

        var loaded = await images.LoadAsync(Profile, new ImageLoadRequest(["-"]) { OpenStdin = () => new MemoryStream("piped:2"u8.ToArray()) },
            new Progress<string>(), CancellationToken.None);

        Assert.That(loaded.Single().Images, Is.EqualTo(new[] { "piped:2" }));
    }

    [Test]
    public async Task Load_HostImage_PipesDockerSaveIntoTheNode()
    {
        _cli.Host.Images["app:1"] = ("sha256:aaa", "SAVED");
        _driver.Handler = (args, _) => args[1] == "image" ? (1, "", "Error: No such image: app:1") : (0, "Loaded image: app:1\n", "");

        var code = await _cli.RunAsync("image", "load", "app:1", "-p", Profile);

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.Zero, _cli.Stderr);
            Assert.That(_cli.Host.Saved, Is.EqualTo(new[] { "app:1" }));
            Assert.That(_driver.Commands.Last().Stdin, Is.EqualTo("SAVED"));
            Assert.That(_cli.Stdout, Is.EqualTo("Loaded image: app:1\n"));
        });
    }

    [Test]
    public async Task Load_ReportsTheBytesSentOfEachArchive_ForItsProgressBar()
    {
        var archive = _cli.Combine("app.tar");
        await File.WriteAllTextAsync(archive, "ARCHIVE-BYTES");
        _cli.Host.Images["app:1"] = ("sha256:aaa", "SAVED");
        _driver.Handler = (args, _) => args[1] == "image" ? (1, "", "no such image") : (0, "Loaded image: x\n", "");
        var reports = new List<ImageTransfer>();
        var request = new ImageLoadRequest([archive, "app:1"]) { Transfer = new LocalKube.Cli.Output.SyncProgress<ImageTransfer>(reports.Add) };

        await _cli.Services.GetRequiredService<NodeImages>().LoadAsync(Profile, request, new Progress<string>(), CancellationToken.None);

        Assert.That(reports.GroupBy(r => r.Source).Select(g => g.Last()), Is.EqualTo(new[]
        {
            new ImageTransfer(archive, 13, 13),
            new ImageTransfer("app:1", 5, 5),
        }));
    }

    [Test]
    public async Task ProgressBar_ShowsEachArchiveWithItsBytes()
    {
        using var output = new StringWriter();
        var console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
        {
            Out = new Spectre.Console.AnsiConsoleOutput(output),
            Ansi = Spectre.Console.AnsiSupport.Yes,
            Interactive = Spectre.Console.InteractionSupport.Yes,
        });

        var result = await LocalKube.Cli.Output.TransferProgressBar.RunAsync(console, progress =>
        {
            progress.Report(new ImageTransfer("app:1", 1024, 2048));
            progress.Report(new ImageTransfer("app:1", 2048, 2048));
            progress.Report(new ImageTransfer("-", 3072, null));
            return Task.FromResult(7);
        });

        Assert.That(result, Is.EqualTo(7));
        var screen = System.Text.RegularExpressions.Regex.Replace(output.ToString(), "\u001b\\[[0-9;?]*[A-Za-z]", "");
        Assert.That(screen, Does.Contain("app:1").And.Contain("100%").And.Contain("2.0 KiB").And.Contain("3.0 KiB"));
    }

    [Test]
    public async Task Load_HostImageTheNodeHas_SendsNothing()
    {
        _cli.Host.Images["app:1"] = ("sha256:aaa", "SAVED");
        _driver.Handler = (_, _) => (0, "sha256:aaa\n", "");

        var code = await _cli.RunAsync("image", "load", "app:1", "-p", Profile);

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.Zero);
            Assert.That(_cli.Host.Saved, Is.Empty);
            Assert.That(_cli.Stderr, Does.Contain("Skipped app:1: the node already has this image."));
        });
    }

    [TestCase(true, 1)]
    [TestCase(false, 0)]
    public async Task Load_AnotherImageUnderTheName_IsReplacedUnlessOverwriteIsOff(bool overwrite, int saves)
    {
        _cli.Host.Images["app:1"] = ("sha256:new", "SAVED");
        _driver.Handler = (args, _) => args[1] == "image" ? (0, "sha256:old\n", "") : (0, "Loaded image: app:1\n", "");

        var code = await _cli.RunAsync("image", "load", "app:1", $"--overwrite={overwrite.ToString().ToLowerInvariant()}", "-p", Profile);

        Assert.That(code, Is.Zero, _cli.Stderr);
        Assert.That(_cli.Host.Saved, Has.Count.EqualTo(saves));
    }

    [Test]
    public async Task Load_Pull_FetchesIntoTheHostFirst()
    {
        _cli.Host.Registry["app:2"] = ("sha256:bbb", "PULLED");
        _driver.Handler = (args, _) => args[1] == "image" ? (1, "", "no such image") : (0, "Loaded image: app:2\n", "");

        Assert.That(await _cli.RunAsync("image", "load", "--pull", "app:2", "-p", Profile), Is.Zero, _cli.Stderr);
        Assert.That(_driver.Commands.Last().Stdin, Is.EqualTo("PULLED"));
    }

    [Test]
    public async Task Load_ImageMissingOnTheHost_Fails80WithoutTouchingTheNode()
    {
        var code = await _cli.RunAsync("image", "load", "nothere:1", "-p", Profile);

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(80));
            Assert.That(_cli.Stderr, Does.Contain("LK_GUEST_IMAGE_LOAD").And.Contain("nothere:1 is not in the host's Docker"));
            Assert.That(_driver.Commands, Is.Empty);
        });
    }

    [TestCase("./missing.tar")]
    [TestCase("/no/such/image.tar")]
    [TestCase("app.tar.gz")]
    public async Task Load_MissingArchive_SaysTheFileIsMissing(string path)
    {
        Assert.That(await _cli.RunAsync("image", "load", path, "-p", Profile), Is.EqualTo(80));
        Assert.That(_cli.Stderr, Does.Contain($"The archive {path} does not exist."));
    }

    [Test]
    public async Task Load_CorruptArchive_FailsWithTheEnginesWords()
    {
        var archive = _cli.Combine("bad.tar");
        await File.WriteAllTextAsync(archive, "not a tar");
        _driver.Handler = (_, _) => (1, "", "Error processing tar file(exit status 1): unexpected EOF");

        Assert.That(await _cli.RunAsync("image", "load", archive, "-p", Profile), Is.EqualTo(80));
        Assert.That(_cli.Stderr, Does.Contain("LK_GUEST_IMAGE_LOAD").And.Contain("unexpected EOF"));
    }

    [Test]
    public async Task Load_NothingGiven_IsAUsageError()
    {
        Assert.That(await _cli.RunAsync("image", "load", "-p", Profile), Is.EqualTo(14));
        Assert.That(_cli.Stderr, Does.Contain("Please provide an image"));
    }

    [Test]
    public async Task Images_OnTheSimulatedRuntime_SayWhyTheyDoNotApply()
    {
        await _cli.AddProfileAsync("sim", runtime: "simulated");

        Assert.That(await _cli.RunAsync("image", "ls", "-p", "sim"), Is.EqualTo(56));
        Assert.That(_cli.Stderr, Does.Contain("LK_DRV_NO_CONTAINER_ENGINE").And.Contain("simulated runtime"));
    }

    [Test]
    public async Task Images_OnADriverWithoutAnEngine_SayWhy()
    {
        using var process = new CliHarness(new ShellDriver(FakeDriver.DefaultDescriptor));
        await process.AddProfileAsync("proc", runtime: null);

        Assert.That(await process.RunAsync("image", "load", "app:1", "-p", "proc"), Is.EqualTo(56));
        Assert.That(process.Stderr, Does.Contain("LK_DRV_NO_CONTAINER_ENGINE").And.Contain("no container engine in its node"));
    }

    [Test]
    public async Task Images_StoppedNode_Exit83_MissingProfile_Exit85()
    {
        _driver.State = MachineState.Stopped;
        Assert.That(await _cli.RunAsync("image", "ls", "-p", Profile), Is.EqualTo(83));
        Assert.That(_cli.Stderr, Does.Contain("is not running"));
        Assert.That(await _cli.RunAsync("image", "ls", "-p", "nope"), Is.EqualTo(85));
    }

    [Test]
    public async Task Ls_Short_ListsEveryTagWithItsRegistry()
    {
        _driver.Handler = (_, _) => (0, InspectJson, "");

        Assert.That(await _cli.RunAsync("image", "ls", "-p", Profile), Is.Zero, _cli.Stderr);
        Assert.That(_cli.Stdout, Is.EqualTo("docker.io/library/app:1\ndocker.io/me/tool:v2\nregistry.k8s.io/pause:3.10\n"));
    }

    [Test]
    public async Task Ls_Table_HasMinikubesColumns()
    {
        _driver.Handler = (_, _) => (0, InspectJson, "");

        Assert.That(await _cli.RunAsync("image", "ls", "--format", "table", "-p", Profile), Is.Zero, _cli.Stderr);
        var lines = _cli.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Multiple(() =>
        {
            Assert.That(lines[1], Does.Match(@"^\|\s+Image\s+\|\s+Tag\s+\|\s+Image ID\s+\|\s+Size\s+\|$"));
            Assert.That(lines[3], Does.Match(@"^\| docker\.io/library/app\s+\| 1\s+\| 0123456789abc \| 1\.5MB\s+\|$"));
            Assert.That(lines[5], Does.StartWith("| registry.k8s.io/pause ").And.Contain("| 3.10 ").And.Contain("| 744kB "));
            Assert.That(lines, Has.Length.EqualTo(8), "rule, header, rule, 3 rows, rule... plus the untagged image");
        });
    }

    [Test]
    public async Task Ls_Json_AndYaml_CarryTheCriFields()
    {
        _driver.Handler = (_, _) => (0, InspectJson, "");

        Assert.That(await _cli.RunAsync("image", "ls", "--format", "json", "-p", Profile), Is.Zero);
        Assert.That(_cli.Stdout, Does.StartWith("[{\"id\":\"sha256:0123456789abcdef\",\"repoDigests\":[],\"repoTags\":[\"docker.io/library/app:1\"],\"size\":\"1500000\"}"));
        Assert.That(await _cli.RunAsync("image", "list", "--format", "yaml", "-p", Profile), Is.Zero);
        Assert.That(_cli.Stdout, Does.StartWith("- id: sha256:0123456789abcdef\n  repoDigests: []\n  repoTags:\n  - docker.io/library/app:1\n  size: \"1500000\"\n"));
    }

    [Test]
    public async Task Ls_BadFormat_IsAUsageError()
    {
        Assert.That(await _cli.RunAsync("image", "ls", "--format", "xml", "-p", Profile), Is.EqualTo(14));
        Assert.That(_driver.Commands, Is.Empty);
    }

    [Test]
    public async Task Rm_RemovesFromTheNode_AndReportsWhatFailed()
    {
        Assert.That(await _cli.RunAsync("image", "rm", "app:1", "tool:2", "-p", Profile), Is.Zero);
        Assert.That(_driver.Commands.Single().Arguments, Is.EqualTo(new[] { "docker", "rmi", "app:1", "tool:2" }));

        _driver.Handler = (_, _) => (1, "", "Error: No such image: gone:1");
        Assert.That(await _cli.RunAsync("image", "unload", "gone:1", "-p", Profile), Is.EqualTo(80));
        Assert.That(_cli.Stderr, Does.Contain("LK_GUEST_IMAGE_REMOVE").And.Contain("No such image: gone:1"));
    }

    [Test]
    public async Task Build_SendsTheContextAsATar_AndStreamsTheOutput()
    {
        var context = Directory.CreateDirectory(_cli.Combine("ctx")).FullName;
        await File.WriteAllTextAsync(Path.Combine(context, "Dockerfile.dev"), "FROM scratch\n");
        Directory.CreateDirectory(Path.Combine(context, "src"));
        await File.WriteAllTextAsync(Path.Combine(context, "src", "app.txt"), "hello");
        _driver.Handler = (_, _) => (0, "Successfully tagged app:dev\n", "");

        var code = await _cli.RunAsync("image", "build", "-t", "app:dev", "-f", "Dockerfile.dev", "--build-opt", "build-arg=V=1", "--build-env", "A=b", context, "-p", Profile);

        Assert.That(code, Is.Zero, _cli.Stderr);
        var (arguments, stdin, command) = _driver.Commands.Single();
        Assert.Multiple(() =>
        {
            Assert.That(arguments, Is.EqualTo(new[] { "docker", "build", "--tag", "app:dev", "--file", "Dockerfile.dev", "--build-arg=V=1", "-" }));
            Assert.That(command.Environment, Is.EqualTo(new[] { "A=b" }));
            Assert.That(TarNames(stdin), Is.SupersetOf(new[] { "Dockerfile.dev", "src/app.txt" }));
            Assert.That(_cli.Stdout, Is.EqualTo("Successfully tagged app:dev\n"));
        });
    }

    [Test]
    public async Task Build_Failures_AreClear()
    {
        var context = Directory.CreateDirectory(_cli.Combine("ctx2")).FullName;
        Assert.That(await _cli.RunAsync("image", "build", "-t", "x:1", context, "-p", Profile), Is.EqualTo(14));
        Assert.That(_cli.Stderr, Does.Contain("No Dockerfile in"));

        await File.WriteAllTextAsync(Path.Combine(context, "Dockerfile"), "FROM nothing\n");
        _driver.Handler = (_, _) => (1, "Step 1/1 : FROM nothing\npull access denied\n", "");
        Assert.That(await _cli.RunAsync("image", "build", "-t", "x:1", context, "-p", Profile), Is.EqualTo(80));
        Assert.That(_cli.Stdout, Does.Contain("pull access denied"));
        Assert.That(_cli.Stderr, Does.Contain("LK_GUEST_IMAGE_BUILD"));

        Assert.That(await _cli.RunAsync("image", "build", "-t", "x:1", "-f", "../outside", context, "-p", Profile), Is.EqualTo(14));
        Assert.That(await _cli.RunAsync("image", "build", "-t", "x:1", _cli.Combine("nope"), "-p", Profile), Is.EqualTo(14));
    }

    private static List<string> TarNames(string latin1)
    {
        using var reader = new TarReader(new MemoryStream(Encoding.Latin1.GetBytes(latin1)));
        var names = new List<string>();
        while (reader.GetNextEntry() is { } entry)
        {
            names.Add(entry.Name.TrimStart('.', '/'));
        }

        return names;
    }

    private const string InspectJson = """
        [
          {"Id": "sha256:0123456789abcdef", "RepoTags": ["app:1"], "RepoDigests": [], "Size": 1500000},
          {"Id": "sha256:fedcba9876543210", "RepoTags": ["registry.k8s.io/pause:3.10"], "RepoDigests": [], "Size": 744000},
          {"Id": "sha256:1111111111111111", "RepoTags": ["me/tool:v2"], "RepoDigests": ["me/tool@sha256:abc"], "Size": 12},
          {"Id": "sha256:2222222222222222", "RepoTags": [], "RepoDigests": [], "Size": 1}
        ]
        """;
}
