// LocalKube build script. Run through ./build.sh (or build.cmd), which pins the Cake tool.
//   --target=Build|Test|Publish|Images|Start|Clean   (default Build)
//   --configuration=Release|Debug                     (default Release)
//   --filter="TestCategory=Unit"                      (Test: a dotnet test filter)
//   --test-project=LocalKube.Core.Tests                (Test: only that project)
using System.Xml.Linq;

var target = Argument("target", "Build");
var configuration = Argument("configuration", "Release");
var filter = Argument("filter", "");
var testProject = Argument("test-project", "");
var startArgs = Argument("start-args", "");

var root = MakeAbsolute(Directory("."));
var artifacts = root.Combine("artifacts");
var solution = root.CombineWithFilePath("LocalKube.sln");
var testResults = artifacts.Combine("test-results");

Task("Clean")
    .Does(() =>
{
    CleanDirectory(artifacts);
    DotNetClean(solution.FullPath, new DotNetCleanSettings { Configuration = configuration });
});

// The dashboard's front end (src/LocalKube.Dashboard/web): npm ci when the lock file changed, then tsc and Vite.
// The csproj's WebBuild target does it (so a plain 'dotnet build' works too); running it here first shows the step,
// and the solution build then finds it up to date.
Task("Web")
    .Does(() =>
{
    DotNetMSBuild(root.CombineWithFilePath("src/LocalKube.Dashboard/LocalKube.Dashboard.csproj").FullPath, new DotNetMSBuildSettings
    {
        Targets = { "WebBuild" },
        Properties = { ["Configuration"] = new[] { configuration } },
    });
});

Task("Build")
    .IsDependentOn("Web")
    .Does(() =>
{
    DotNetBuild(solution.FullPath, new DotNetBuildSettings
    {
        Configuration = configuration,
        MSBuildSettings = new DotNetMSBuildSettings().WithProperty("ContinuousIntegrationBuild", "true"),
    });
});

Task("Publish")
    .IsDependentOn("Build")
    .Does(() =>
{
    // The host CLI: framework-dependent, next to the node agent so it finds it (see docs/design.md, Assets).
    // ReadyToRun: every command is a short-lived process, so start-up JIT is most of 'status'.
    DotNetPublish(root.CombineWithFilePath("src/LocalKube.Cli/LocalKube.Cli.csproj").FullPath, new DotNetPublishSettings
    {
        Configuration = configuration,
        Runtime = "linux-x64",
        SelfContained = false,
        OutputDirectory = artifacts.Combine("bin"),
        MSBuildSettings = new DotNetMSBuildSettings().WithProperty("PublishReadyToRun", "true"),
    });
    // The node agent runs where no .NET is installed: self-contained. ReadyToRun: in a VM node without KVM every
    // method the JIT compiles runs emulated, and precompiled code halves the agent's time to /readyz there.
    DotNetPublish(root.CombineWithFilePath("src/LocalKube.Node/LocalKube.Node.csproj").FullPath, new DotNetPublishSettings
    {
        Configuration = configuration,
        Runtime = "linux-x64",
        SelfContained = true,
        OutputDirectory = artifacts.Combine("node/linux-x64"),
        MSBuildSettings = new DotNetMSBuildSettings().WithProperty("PublishReadyToRun", "true"),
    });
    // The node image recipe travels with the CLI, so a published CLI can build the image on first start.
    var recipe = artifacts.Combine("images/node");
    CleanDirectory(recipe);
    CopyDirectory(root.Combine("images/node"), recipe);
    foreach (var script in GetFiles(recipe.FullPath + "/**/*.sh").Concat(GetFiles(recipe.FullPath + "/rootfs/usr/local/bin/*")))
    {
        StartProcess("chmod", new ProcessSettings { Arguments = $"0755 \"{script.FullPath}\"" });
    }
    Information($"Published: {artifacts.CombineWithFilePath("bin/localkube")}");
});

Task("Images")
    .IsDependentOn("Publish")
    .Does(() =>
{
    // The CLI computes the images' hash from the recipe, so the build and the drivers agree by construction. Both
    // images (container and VM) come from one debootstrap when both are missing.
    var exit = StartProcess(artifacts.CombineWithFilePath("bin/localkube").FullPath, new ProcessSettings { Arguments = "node-image build" });
    if (exit != 0)
    {
        throw new Exception($"Building the node image failed (exit code {exit}).");
    }
});

Task("Test")
    .IsDependentOn("Images")
    .Does(() =>
{
    CleanDirectory(testResults);
    var projects = GetFiles(root.FullPath + "/tests/**/*.Tests.csproj")
        .Concat(GetFiles(root.FullPath + "/tests/LocalKube.IntegrationTests/*.csproj"))
        .Where(p => testProject == "" || p.GetFilenameWithoutExtension().ToString() == testProject)
        .OrderBy(p => p.GetFilenameWithoutExtension().ToString().Contains("Integration") ? 1 : 0)
        .ThenBy(p => p.FullPath)
        .ToList();
    if (projects.Count == 0)
    {
        throw new Exception($"No test project matches '{testProject}'.");
    }

    // VM boot tests (category Qemu) boot real VMs. Without usable KVM (the CI host's nested /dev/kvm refuses
    // '-cpu host') QEMU emulates, and each boot takes minutes: they run when LOCALKUBE_VM_TESTS=1 asks for them.
    var effectiveFilter = filter;
    if (EnvironmentVariable("LOCALKUBE_VM_TESTS") != "1")
    {
        effectiveFilter = filter == "" ? "TestCategory!=Qemu" : $"({filter})&TestCategory!=Qemu";
        Information("VM boot tests (category Qemu) are not run: set LOCALKUBE_VM_TESTS=1 to run them.");
    }

    var failures = new List<string>();
    foreach (var project in projects)
    {
        var name = project.GetFilenameWithoutExtension().ToString();
        try
        {
            // One project at a time: the Docker and process end-to-end suites share the machine's 2 cores.
            DotNetTest(project.FullPath, new DotNetTestSettings
            {
                Configuration = configuration,
                NoBuild = true,
                Filter = effectiveFilter == "" ? null : effectiveFilter,
                Loggers = new[] { $"trx;LogFileName={name}.trx", "console;verbosity=normal" },
                ResultsDirectory = testResults,
                ArgumentCustomization = args => args.Append("--blame-hang-timeout 10m"),
                EnvironmentVariables = new Dictionary<string, string> { ["LOCALKUBE_ASSETS"] = artifacts.FullPath },
            });
        }
        catch (Exception e)
        {
            failures.Add($"{name}: {e.Message}");
        }
    }

    var (passed, failed, skipped) = CountResults(testResults);
    // Plain Console: Cake colours the arguments of Information(), which would split the line CI reads.
    Console.WriteLine($"Totals: {passed} passed, {failed} failed, {skipped} skipped");
    if (failures.Count > 0 || failed > 0)
    {
        throw new Exception("Tests failed:\n  " + string.Join("\n  ", failures));
    }
    if (passed == 0)
    {
        throw new Exception("No test ran.");
    }
});

Task("Start")
    .IsDependentOn("Publish")
    .Does(() =>
{
    var exit = StartProcess(artifacts.CombineWithFilePath("bin/localkube").FullPath, new ProcessSettings { Arguments = ("start " + startArgs).Trim() });
    if (exit != 0)
    {
        throw new Exception($"localkube start failed (exit code {exit}).");
    }
});

Task("Default").IsDependentOn("Build");

RunTarget(target);

static (int Passed, int Failed, int Skipped) CountResults(DirectoryPath dir)
{
    int passed = 0, failed = 0, skipped = 0;
    foreach (var file in System.IO.Directory.GetFiles(dir.FullPath, "*.trx", SearchOption.AllDirectories))
    {
        var ns = XNamespace.Get("http://microsoft.com/schemas/VisualStudio/TeamTest/2010");
        var counters = XDocument.Load(file).Descendants(ns + "Counters").FirstOrDefault();
        if (counters is null)
        {
            continue;
        }
        int Read(string name) => int.TryParse((string?)counters.Attribute(name), out var v) ? v : 0;
        passed += Read("passed");
        failed += Read("failed") + Read("error") + Read("timeout") + Read("aborted");
        skipped += Read("notExecuted");
    }
    return (passed, failed, skipped);
}
