namespace LocalKube.IntegrationTests;

/// <summary>
/// How <c>start</c> picks and refuses drivers through the published CLI: every known driver named on a typo, the
/// platform drivers refused with their OS, <c>--vm-driver</c> as minikube's deprecated alias, and a VM driver whose
/// hypervisor is missing reported with the reason and the fix before anything is created.
/// </summary>
[TestFixture]
[Category("E2E")]
public sealed class DriverSelectionTests
{
    [Test]
    public async Task UnknownDriver_ListsEveryKnownDriver()
    {
        await using var env = new LocalKubeEnvironment();

        var result = await env.LocalKubeAsync("start", "--driver", "virtualbox");

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(14));
            Assert.That(result.StandardError, Does.Contain("LK_USAGE").And.Contain("unknown driver"));
            foreach (var driver in new[] { "docker", "process (alias none)", "qemu (alias qemu2)", "hyperv", "xhyve (alias hyperkit)" })
            {
                Assert.That(result.StandardError, Does.Contain(driver));
            }
        });
    }

    [TestCase("hyperv", "requires Windows")]
    [TestCase("xhyve", "requires macOS")]
    [TestCase("hyperkit", "requires macOS")]
    public async Task PlatformDriver_OnLinux_IsRefusedWithItsOsNotUnknown(string driver, string message)
    {
        await using var env = new LocalKubeEnvironment();

        var result = await env.LocalKubeAsync("start", "--driver", driver);

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(56), result.StandardError);
            Assert.That(result.StandardError, Does.Contain("LK_DRV_UNSUPPORTED_OS").And.Contain(message).And.Not.Contain("unknown driver"));
            Assert.That(Directory.Exists(Path.Combine(env.LocalKubeHome, "profiles")), Is.False, "nothing created");
        });
    }

    [Test]
    public async Task VmDriverAndDriver_DriverWins_WithMinikubesWarning()
    {
        await using var env = new LocalKubeEnvironment();

        var result = await env.LocalKubeAsync("start", "--driver", "hyperv", "--vm-driver", "process");

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(56), "hyperv was used, not process");
            Assert.That(result.StandardOutput + result.StandardError, Does.Contain("Both driver=hyperv and vm-driver=process have been set.")
                .And.Contain("Since vm-driver is deprecated"));
        });
    }

    [Test]
    [CancelAfter(180_000)]
    public async Task VmDriver_Process_StartsWithTheDeprecationWarning(CancellationToken ct)
    {
        await using var env = new LocalKubeEnvironment();
        var profile = env.Profile("vmdrv");

        var start = await env.LocalKubeAsync(["start", "--vm-driver=process", "-p", profile], ct);

        Assert.That(start.ExitCode, Is.Zero, start.StandardOutput + start.StandardError);
        Assert.Multiple(() =>
        {
            Assert.That(start.StandardOutput + start.StandardError, Does.Contain("--vm-driver is deprecated; use --driver instead."));
            Assert.That(start.StandardOutput, Does.Contain("using the process driver"));
        });
    }

    [Test]
    public async Task Qemu_NotInstalled_IsUnusableWithTheReasonAndFixAndCreatesNothing()
    {
        await using var env = new LocalKubeEnvironment();
        var emptyPath = Path.Combine(env.Home, "empty-path");
        Directory.CreateDirectory(emptyPath);
        env.Environment["PATH"] = emptyPath;

        var result = await env.LocalKubeAsync("start", "--driver", "qemu");

        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(65), result.StandardError);
            Assert.That(result.StandardError, Does.Contain("LK_PROVIDER_QEMU_NOT_FOUND")
                .And.Contain("qemu-system-x86_64")
                .And.Contain("apt-get install -y qemu-system-x86 qemu-utils"));
            Assert.That(Directory.Exists(Path.Combine(env.LocalKubeHome, "profiles")), Is.False, "nothing created");
        });
    }
}
