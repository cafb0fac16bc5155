using System.Diagnostics;
using LocalKube.Abstractions.Errors;
using LocalKube.Core.Kubeconfig;
using LocalKube.Testing;

namespace LocalKube.Core.Tests.Kubeconfig;

[TestFixture]
public sealed class KubeconfigLockTests
{
    private TempDirectory _temp = null!;
    private string _path = null!;

    [SetUp]
    public void SetUp()
    {
        _temp = new TempDirectory();
        _path = _temp.Combine("config");
    }

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private KubeconfigStore Store(TimeSpan timeout, TimeSpan stale) =>
        new(_path, TimeProvider.System, new KubeconfigStoreOptions { LockTimeout = timeout, StaleLockAge = stale });

    private static KubeconfigEntry Entry() => new("dev", new Uri("https://127.0.0.1:1"), "ca", "cert", "key", false);

    [Test]
    public async Task Update_LockHeld_TimesOutWithKubeconfigUpdateAndWritesNothing()
    {
        await File.WriteAllTextAsync(_path + ".lock", "12345\n");
        var store = Store(TimeSpan.FromMilliseconds(300), TimeSpan.FromMinutes(5));

        var e = Assert.ThrowsAsync<LocalKubeException>(() => store.UpdateAsync(Entry(), CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(e!.Reason, Is.EqualTo(Reasons.KubeconfigUpdate));
            Assert.That(e.Message, Does.Contain(_path + ".lock"));
            Assert.That(File.Exists(_path), Is.False);
            Assert.That(File.Exists(_path + ".lock"), Is.True, "someone else's lock is not ours to remove");
        });
    }

    [Test]
    public async Task Update_LockReleasedWhileWaiting_Proceeds()
    {
        await File.WriteAllTextAsync(_path + ".lock", "12345\n");
        var store = Store(TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(5));
        var update = store.UpdateAsync(Entry(), CancellationToken.None);
        await Task.Delay(200);
        Assert.That(update.IsCompleted, Is.False, "waits for the lock");
        File.Delete(_path + ".lock");
        await update;
        Assert.That(File.Exists(_path), Is.True);
    }

    [Test]
    public async Task Update_StaleLock_IsBrokenAtOnce()
    {
        await File.WriteAllTextAsync(_path + ".lock", "12345\n");
        File.SetLastWriteTimeUtc(_path + ".lock", DateTime.UtcNow.AddMinutes(-1));
        var store = Store(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10));
        var watch = Stopwatch.StartNew();

        await store.UpdateAsync(Entry(), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
            Assert.That(File.Exists(_path), Is.True);
            Assert.That(File.Exists(_path + ".lock"), Is.False);
        });
    }

    [Test]
    public async Task Update_CancelledWhileWaiting_Throws()
    {
        await File.WriteAllTextAsync(_path + ".lock", "12345\n");
        var store = Store(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        Assert.That(async () => await store.UpdateAsync(Entry(), cts.Token), Throws.InstanceOf<OperationCanceledException>());
    }
}
