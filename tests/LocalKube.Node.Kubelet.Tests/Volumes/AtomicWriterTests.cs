using System.Text;
using LocalKube.Node.Kubelet.Volumes;
using LocalKube.Testing;
using Microsoft.Extensions.Time.Testing;

namespace LocalKube.Node.Kubelet.Tests.Volumes;

[TestFixture]
[Category("Unit")]
public sealed class AtomicWriterTests
{
    private TempDirectory _dir = null!;
    private FakeTimeProvider _time = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = new TempDirectory("atomic");
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
    }

    [TearDown]
    public void TearDown() => _dir.Dispose();

    [Test]
    public void Writes_upstream_layout()
    {
        var writer = new AtomicWriter(_dir.Path, _time);
        Assert.That(writer.Write(Payload(("a", "1", 0b110_100_100), ("sub/b", "2", 0b100_000_000))), Is.True);
        var data = new FileInfo(Path.Combine(_dir.Path, "..data"));
        Assert.Multiple(() =>
        {
            Assert.That(data.LinkTarget, Does.Match(@"^\.\.2026_01_02_03_04_05\.\d+$"));
            Assert.That(new FileInfo(Path.Combine(_dir.Path, "a")).LinkTarget, Is.EqualTo("..data/a"));
            Assert.That(new FileInfo(Path.Combine(_dir.Path, "sub")).LinkTarget, Is.EqualTo("..data/sub"));
            Assert.That(File.ReadAllText(Path.Combine(_dir.Path, "a")), Is.EqualTo("1"));
            Assert.That(File.ReadAllText(Path.Combine(_dir.Path, "sub", "b")), Is.EqualTo("2"));
            Assert.That(UnixMode.Get(Path.Combine(_dir.Path, data.LinkTarget!, "a")), Is.EqualTo(0b110_100_100));
            Assert.That(UnixMode.Get(Path.Combine(_dir.Path, data.LinkTarget!, "sub", "b")), Is.EqualTo(0b100_000_000));
            Assert.That(File.Exists(Path.Combine(_dir.Path, "..data_tmp")) || new FileInfo(Path.Combine(_dir.Path, "..data_tmp")).LinkTarget is not null, Is.False);
        });
    }

    [Test]
    public void Unchanged_content_is_not_rewritten_and_an_update_swaps_the_data_dir()
    {
        var writer = new AtomicWriter(_dir.Path, _time);
        writer.Write(Payload(("a", "1", 420), ("gone", "x", 420)));
        var first = new FileInfo(Path.Combine(_dir.Path, "..data")).LinkTarget;
        Assert.That(writer.Write(Payload(("a", "1", 420), ("gone", "x", 420))), Is.False);
        Assert.That(new FileInfo(Path.Combine(_dir.Path, "..data")).LinkTarget, Is.EqualTo(first));

        _time.Advance(TimeSpan.FromSeconds(61));
        Assert.That(writer.Write(Payload(("a", "2", 420))), Is.True);
        var second = new FileInfo(Path.Combine(_dir.Path, "..data")).LinkTarget;
        Assert.Multiple(() =>
        {
            Assert.That(second, Is.Not.EqualTo(first));
            Assert.That(second, Does.StartWith("..2026_01_02_03_05_06."));
            Assert.That(File.ReadAllText(Path.Combine(_dir.Path, "a")), Is.EqualTo("2"));
            Assert.That(Directory.Exists(Path.Combine(_dir.Path, first!)), Is.False, "the old data folder is removed");
            Assert.That(new FileInfo(Path.Combine(_dir.Path, "gone")).LinkTarget, Is.Null, "a removed key's link is removed");
        });
    }

    [Test]
    public void A_mode_change_alone_is_written()
    {
        var writer = new AtomicWriter(_dir.Path, _time);
        writer.Write(Payload(("a", "1", 420)));
        Assert.That(writer.Write(Payload(("a", "1", 256))), Is.True);
    }

    [TestCase("/abs")]
    [TestCase("../up")]
    [TestCase("a/../b")]
    [TestCase("..hidden")]
    public void Bad_paths_are_refused(string path) =>
        Assert.Throws<ArgumentException>(() => new AtomicWriter(_dir.Path, _time).Write(Payload((path, "x", 420))));

    private static Dictionary<string, FileProjection> Payload(params (string Path, string Text, int Mode)[] files) =>
        files.ToDictionary(f => f.Path, f => new FileProjection(Encoding.UTF8.GetBytes(f.Text), f.Mode));
}
