using LocalKube.Drivers.Vm.Host;
using LocalKube.Testing;
using NUnit.Framework;

namespace LocalKube.Drivers.Qemu.Tests.Vm;

[TestFixture]
[Category("Unit")]
public sealed class ConsoleLogTests
{
    [Test]
    public void Console_WithMarkersAndEscapes_IsReadCleanly()
    {
        using var temp = new TempDirectory("lkc");
        var path = temp.Combine("console.log");
        File.WriteAllText(path, "\u001b[?7l\u001b[2JSeaBIOS\r\nLOCALKUBE-BOOT-ERROR: the root disk /dev/vda did not appear\n\n[ 2.1] reboot: Power down\n");
        var console = new ConsoleLog(path);

        Assert.Multiple(() =>
        {
            Assert.That(console.HasBooted(), Is.False);
            Assert.That(console.BootError(), Is.EqualTo("the root disk /dev/vda did not appear"));
            Assert.That(console.Tail(2), Is.EqualTo(new[] { "LOCALKUBE-BOOT-ERROR: the root disk /dev/vda did not appear", "[ 2.1] reboot: Power down" }));
            Assert.That(console.Tail(10)[0], Is.EqualTo("SeaBIOS"));
        });
    }

    [Test]
    public void Console_Missing_IsEmpty()
    {
        var console = new ConsoleLog("/nonexistent/console.log");

        Assert.Multiple(() =>
        {
            Assert.That(console.Read(), Is.Empty);
            Assert.That(console.BootError(), Is.Null);
            Assert.That(console.TailText(5), Does.Contain("is empty"));
        });
    }
}
