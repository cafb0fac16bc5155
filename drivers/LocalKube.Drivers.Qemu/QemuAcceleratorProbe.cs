using System.Text.Json;
using System.Text.Json.Serialization;
using CliWrap;
using LocalKube.Drivers.Vm.Host;

namespace LocalKube.Drivers.Qemu;

/// <summary>
/// Chooses KVM or TCG. /dev/kvm existing is not enough: on some hosts (nested virtualization gone wrong) a KVM guest
/// hangs before its kernel runs. So KVM is used only after a probe VM really booted with it: the node kernel and
/// initramfs with <c>localkube.probe=1</c>, which prints a marker and powers off at once (well under a second with a
/// working KVM). A probe that does not print it within the deadline is killed and TCG is used. The answer is cached
/// per host boot and QEMU binary, so only the first start after a reboot pays for the probe.
/// </summary>
internal sealed class QemuAcceleratorProbe(QemuDriverOptions options, string cacheDirectory)
{
    /// <summary>The cached answers.</summary>
    public string CacheFile => Path.Combine(cacheDirectory, "accelerator.json");

    /// <summary>KVM when forced or proven to work, else TCG, with the reason.</summary>
    public async Task<QemuAccelerator> DetectAsync(QemuBinaries binaries, string kernel, string initrd, CancellationToken cancellationToken)
    {
        var forced = options.Accelerator ?? options.GetEnvironmentVariable("LOCALKUBE_QEMU_ACCEL");
        if (!string.IsNullOrWhiteSpace(forced))
        {
            var name = forced.Trim().ToLowerInvariant();
            return name is QemuAccelerator.KvmName or QemuAccelerator.TcgName
                ? new QemuAccelerator(name, "forced by LOCALKUBE_QEMU_ACCEL")
                : throw new Abstractions.Errors.LocalKubeException(Abstractions.Errors.Reasons.Usage,
                    $"LOCALKUBE_QEMU_ACCEL is '{forced}'; use kvm or tcg (or unset it to detect).");
        }

        var kvm = options.KvmDevice;
        if (!File.Exists(kvm))
        {
            return Tcg($"{kvm} does not exist (no hardware virtualization: a CPU without it, off in the firmware, or a VM without nested virtualization)");
        }

        try
        {
            using var device = new FileStream(kvm, FileMode.Open, FileAccess.ReadWrite);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return Tcg($"{kvm} cannot be opened ({e.Message}); add yourself to the kvm group: 'sudo usermod -aG kvm $USER', then log in again");
        }

        var key = new ProbeKey(BootId(), binaries.System, File.GetLastWriteTimeUtc(binaries.System).Ticks);
        if (ReadCache().FirstOrDefault(e => e.Key == key) is { } cached)
        {
            return cached.Result;
        }

        var result = await ProbeKvmAsync(binaries, kernel, initrd, cancellationToken).ConfigureAwait(false);
        WriteCache(new ProbeEntry(key, result));
        return result;
    }

    private async Task<QemuAccelerator> ProbeKvmAsync(QemuBinaries binaries, string kernel, string initrd, CancellationToken cancellationToken)
    {
        var seen = false;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.AcceleratorProbeTimeout);
        var stderr = new System.Text.StringBuilder();
        var run = Cli.Wrap(binaries.System)
            .WithArguments(
            [
                "-machine", "q35,accel=kvm", "-cpu", "host", "-smp", "1", "-m", "256M",
                "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
                "-kernel", kernel, "-initrd", initrd,
                "-append", "console=ttyS0 quiet panic=-1 localkube.probe=1",
                "-serial", "stdio",
            ])
            .WithStandardOutputPipe(PipeTarget.ToDelegate(line =>
            {
                if (line.Contains(ConsoleLog.ProbeMarker, StringComparison.Ordinal))
                {
                    seen = true;
                }
            }))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(stderr))
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync(deadline.Token);
        try
        {
            var result = await run.Task.ConfigureAwait(false);
            if (seen)
            {
                return new QemuAccelerator(QemuAccelerator.KvmName, "a probe VM booted with KVM");
            }

            return Tcg($"a probe VM with KVM exited ({result.ExitCode}) without booting: {stderr.ToString().Trim()}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // CliWrap killed it. A KVM guest stuck in the kernel can take seconds to die; do not wait for it here.
            return seen
                ? new QemuAccelerator(QemuAccelerator.KvmName, "a probe VM booted with KVM")
                : Tcg($"a probe VM with KVM did not boot within {options.AcceleratorProbeTimeout.TotalSeconds:0.#} s (KVM guests hang on this host)");
        }
    }

    private static QemuAccelerator Tcg(string reason) => new(QemuAccelerator.TcgName, reason);

    private static string BootId()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
        }
        catch (IOException)
        {
            return "";
        }
    }

    private List<ProbeEntry> ReadCache()
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(CacheFile), ProbeJsonContext.Default.ListProbeEntry) ?? [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return [];
        }
    }

    private void WriteCache(ProbeEntry entry)
    {
        try
        {
            Directory.CreateDirectory(cacheDirectory);
            // Entries of earlier host boots are useless; keep the few of this one (several QEMU builds).
            var entries = ReadCache().Where(e => e.Key.BootId == entry.Key.BootId && e.Key != entry.Key).Append(entry).TakeLast(8).ToList();
            var temporary = $"{CacheFile}.{Environment.ProcessId}.tmp";
            File.WriteAllText(temporary, JsonSerializer.Serialize(entries, ProbeJsonContext.Default.ListProbeEntry));
            File.Move(temporary, CacheFile, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A read-only cache only means the next start probes again.
        }
    }
}

/// <summary>What a cached probe answer depends on.</summary>
internal sealed record ProbeKey(string BootId, string Qemu, long QemuModified);

/// <summary>A cached probe answer.</summary>
internal sealed record ProbeEntry(ProbeKey Key, QemuAccelerator Result);

/// <summary>Source-generated JSON for the probe cache.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(List<ProbeEntry>))]
internal sealed partial class ProbeJsonContext : JsonSerializerContext;
