using LocalKube.Cli.Commands;
using LocalKube.Core.Cluster;

namespace LocalKube.Cli.Tests;

/// <summary>minikube's deprecated <c>--vm-driver</c>: an alias of <c>--driver</c>, which wins when both are given.</summary>
[TestFixture]
[Category("Unit")]
public sealed class VmDriverFlagTests
{
    [Test]
    public void OnlyVmDriver_IsUsedWithTheDeprecationWarning()
    {
        var reporter = new RecordingReporter();

        var driver = StartCommand.ChooseDriver(null, "xhyve", reporter);

        Assert.Multiple(() =>
        {
            Assert.That(driver, Is.EqualTo("xhyve"));
            Assert.That(reporter.Warnings, Is.EqualTo(new[] { "--vm-driver is deprecated; use --driver instead." }));
        });
    }

    [Test]
    public void Both_DriverWins_WithMinikubesWarning()
    {
        var reporter = new RecordingReporter();

        var driver = StartCommand.ChooseDriver("qemu", "hyperv", reporter);

        Assert.Multiple(() =>
        {
            Assert.That(driver, Is.EqualTo("qemu"));
            Assert.That(reporter.Warnings.Single(), Does.StartWith("Both driver=qemu and vm-driver=hyperv have been set.")
                .And.Contain("Since vm-driver is deprecated, localkube will default to driver=qemu."));
        });
    }

    [TestCase(null)]
    [TestCase("docker")]
    public void NoVmDriver_NoWarning(string? driver)
    {
        var reporter = new RecordingReporter();

        Assert.That(StartCommand.ChooseDriver(driver, null, reporter), Is.EqualTo(driver));
        Assert.That(reporter.Warnings, Is.Empty);
    }

    private sealed class RecordingReporter : IStepReporter
    {
        public List<string> Warnings { get; } = [];

        public Task<T> StepAsync<T>(StepInfo step, Func<IProgress<string>, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
            work(new Progress<string>(), cancellationToken);

        public void Info(string message)
        {
        }

        public void Warning(string message) => Warnings.Add(message);
    }
}
