using System.CommandLine;
using LocalKube.Abstractions.Drivers;
using LocalKube.Cli.Commands;
using LocalKube.Cli.Output;
using LocalKube.Core;
using LocalKube.Core.Cluster;
using LocalKube.Core.Drivers;
using LocalKube.Core.Images;
using LocalKube.Core.Kubeconfig;
using LocalKube.Core.Paths;
using LocalKube.Core.Profiles;
using LocalKube.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LocalKube.Cli.Tests.Node;

/// <summary>
/// The CLI's node commands in process, as Program.cs composes them, over one driver and a fake host Docker, with a
/// LocalKube home of its own: exit codes and output as a user sees them.
/// </summary>
internal sealed class CliHarness : IDisposable
{
    private readonly TempDirectory _home = new("lkcli");
    private readonly ServiceProvider _services;

    public CliHarness(IDriver driver)
    {
        Driver = driver;
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(new LocalKubePaths(_home.Combine("home")));
        services.AddSingleton(new KubeconfigStore(_home.Combine("kubeconfig"), TimeProvider.System));
        services.AddSingleton(new DriverRegistry([new DriverRegistration(driver.Descriptor, () => driver, () => new FakeDriver())]));
        services.AddSingleton<HostDocker>(Host);
        services.AddLocalKubeCore();
        services.AddSingleton<ClusterManager>();
        services.AddSingleton<LocalKube.Core.Images.NodeImages>();
        _services = services.BuildServiceProvider();
    }

    public IDriver Driver { get; }

    public IServiceProvider Services => _services;

    public FakeHostDocker Host { get; } = new();

    public string Stdout { get; private set; } = "";

    public string Stderr { get; private set; } = "";

    public string Combine(params string[] parts) => _home.Combine(parts);

    /// <summary>Saves a profile that uses the driver.</summary>
    public Task AddProfileAsync(string name, string? runtime = "docker") =>
        _services.GetRequiredService<ProfileStore>().SaveAsync(new ClusterConfig { Name = name, Driver = Driver.Descriptor.Name, ContainerRuntime = runtime }, CancellationToken.None);

    /// <summary>Runs the CLI with <paramref name="args"/>; returns its exit code (errors rendered as Program.cs does).</summary>
    public async Task<int> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var globals = new GlobalOptions();
        var cli = new CliContext(globals, () => _services, stdout, stderr, isTerminal: false);
        var root = new RootCommand("test");
        globals.AddTo(root);
        root.Subcommands.Add(ImageCommand.Create(cli));
        root.Subcommands.Add(SshCommand.Create(cli));
        root.Subcommands.Add(DockerEnvCommand.Create(cli));
        var parsed = root.Parse(args);
        int code;
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                stderr.WriteLine($"Error: {error.Message}");
            }

            code = LocalKube.Abstractions.Errors.Reasons.Usage.ExitCode;
        }
        else
        {
            try
            {
                code = await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
            }
            catch (Exception e)
            {
                code = new ExceptionHandler(stdout, stderr).Handle(e, OutputFormat.Text, verbose: false);
            }
        }

        Stdout = stdout.ToString();
        Stderr = stderr.ToString();
        return code;
    }

    public void Dispose()
    {
        _services.Dispose();
        _home.Dispose();
    }
}
