using System.Diagnostics;
using Google.Protobuf;
using Grpc.Core;
using LocalKube.Node.Storage.Protocol;
using LocalKube.Testing;
using NUnit.Framework;

namespace LocalKube.Node.Storage.Tests.Embedded;

/// <summary>
/// A really full and a really read-only data folder: a small tmpfs mounted for the test (needs root, as on the
/// project's machines and CI). Where mounting is not allowed the tests are ignored on a developer machine and fail in
/// CI, like every other environment-dependent test here.
/// </summary>
[NonParallelizable]
public sealed class RealFilesystemFaultTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Test]
    public async Task A_full_disk_fails_writes_with_enospc_keeps_reads_and_loses_no_acknowledged_write()
    {
        using var dir = new TempDirectory("lk-enospc");
        await MountAsync(dir.Path, "size=512k");
        try
        {
            var acknowledged = new List<string>();
            RpcException? failure = null;
            await using (var store = await EmbeddedKeyValueStore.OpenAsync(new StoreOptions { DataDirectory = dir.Path }, None))
            {
                var value = ByteString.CopyFrom(new byte[16 * 1024]);
                for (var i = 0; i < 200 && failure is null; i++)
                {
                    try
                    {
                        await store.PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8($"k{i:D3}"), Value = value }, None);
                        acknowledged.Add($"k{i:D3}");
                    }
                    catch (RpcException e)
                    {
                        failure = e;
                    }
                }

                Assert.That(failure, Is.Not.Null, "the 512 KiB folder never filled up");
                Assert.That(failure!.StatusCode, Is.EqualTo(StatusCode.Unavailable));
                Assert.That(failure.Status.Detail, Does.StartWith("localkube: storage: write not durable:").And.Contain("No space left on device"));
                var read = await store.RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8("k"), RangeEnd = ByteString.CopyFromUtf8("l"), KeysOnly = true }, None);
                Assert.That(read.Kvs.Select(k => k.Key.ToStringUtf8()), Is.EqualTo(acknowledged), "reads keep working and show exactly the acknowledged writes");
            }

            await using (var reopened = await EmbeddedKeyValueStore.OpenAsync(new StoreOptions { DataDirectory = dir.Path }, None))
            {
                var read = await reopened.RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8("k"), RangeEnd = ByteString.CopyFromUtf8("l"), KeysOnly = true }, None);
                Assert.That(read.Kvs.Select(k => k.Key.ToStringUtf8()), Is.EqualTo(acknowledged), "after a restart on the still-full folder nothing acknowledged is lost");
                Assert.That(reopened.Revision, Is.EqualTo(acknowledged.Count + 1));
            }
        }
        finally
        {
            await UnmountAsync(dir.Path);
        }
    }

    [Test]
    public async Task On_a_read_only_folder_the_store_serves_reads_and_refuses_writes_clearly()
    {
        using var dir = new TempDirectory("lk-erofs");
        await MountAsync(dir.Path, "size=4m");
        try
        {
            await using (var store = await EmbeddedKeyValueStore.OpenAsync(new StoreOptions { DataDirectory = dir.Path }, None))
            {
                await store.PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8("before"), Value = ByteString.CopyFromUtf8("1") }, None);
            }

            // Linux refuses to remount read-only under open writers, so the folder turns read-only between runs,
            // as after a filesystem error with errors=remount-ro and a restart.
            await RunAsync("mount", "-o", "remount,ro", dir.Path);
            await using (var store = await EmbeddedKeyValueStore.OpenAsync(new StoreOptions { DataDirectory = dir.Path }, None))
            {
                var read = await store.RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8("before") }, None);
                Assert.That(read.Kvs.Single().Value.ToStringUtf8(), Is.EqualTo("1"));
                var e = Assert.ThrowsAsync<RpcException>(() => store.PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8("during"), Value = ByteString.CopyFromUtf8("1") }, None));
                Assert.That(e!.StatusCode, Is.EqualTo(StatusCode.Unavailable));
                Assert.That(e.Status.Detail, Does.StartWith("localkube: storage: write not durable:").And.Contain("Read-only file system"));
            }

            await RunAsync("mount", "-o", "remount,rw", dir.Path);
            await using (var reopened = await EmbeddedKeyValueStore.OpenAsync(new StoreOptions { DataDirectory = dir.Path }, None))
            {
                Assert.That((await reopened.RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8("before") }, None)).Kvs, Has.Count.EqualTo(1));
                Assert.That((await reopened.RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8("during") }, None)).Kvs, Is.Empty);
                var after = await reopened.PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8("after"), Value = ByteString.CopyFromUtf8("1") }, None);
                Assert.That(after.Header.Revision, Is.EqualTo(3));
            }
        }
        finally
        {
            await UnmountAsync(dir.Path);
        }
    }

    private static async Task MountAsync(string path, string options)
    {
        var (code, error) = await TryRunAsync("mount", "-t", "tmpfs", "-o", options, "tmpfs", path);
        if (code == 0)
        {
            return;
        }

        var message = $"cannot mount a tmpfs for the test (needs root): {error.Trim()}";
        if (DockerAvailability.IsCi)
        {
            Assert.Fail(message);
        }

        Assert.Ignore(message);
    }

    private static async Task UnmountAsync(string path) => await TryRunAsync("umount", path);

    private static async Task RunAsync(params string[] command)
    {
        var (code, error) = await TryRunAsync(command);
        Assert.That(code, Is.Zero, $"{string.Join(' ', command)}: {error}");
    }

    private static async Task<(int Code, string Error)> TryRunAsync(params string[] command)
    {
        try
        {
            var psi = new ProcessStartInfo(command[0]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var arg in command.Skip(1))
            {
                psi.ArgumentList.Add(arg);
            }

            using var process = Process.Start(psi)!;
            var error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, error);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}
