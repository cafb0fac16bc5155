using NUnit.Framework;
using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;

namespace LocalKube.Testing;

/// <summary>
/// Marks tests that boot real QEMU VMs. Where QEMU is missing they are ignored with the reason on a developer machine,
/// but FAIL in CI (<c>CI=true</c>): CI installs QEMU, so a missing one there is a broken pipeline, never a reason to
/// skip silently.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class RequiresQemuAttribute : NUnitAttribute, IApplyToTest
{
    public void ApplyToTest(Test test)
    {
        test.Properties.Add(PropertyNames.Category, "Qemu");
        if (test.RunState == RunState.NotRunnable || QemuAvailability.IsAvailable(out _) || DockerAvailability.IsCi)
        {
            return;
        }

        QemuAvailability.IsAvailable(out var why);
        test.RunState = RunState.Ignored;
        test.Properties.Set(PropertyNames.SkipReason, $"QEMU is not available: {why}");
    }
}

/// <summary>Checks for the QEMU programs the qemu driver runs.</summary>
public static class QemuAvailability
{
    /// <summary>Whether qemu-system-x86_64 and qemu-img are on PATH (Linux only).</summary>
    public static bool IsAvailable(out string why)
    {
        if (!OperatingSystem.IsLinux())
        {
            why = "the qemu driver runs on Linux only";
            return false;
        }

        var missing = new[] { "qemu-system-x86_64", "qemu-img" }.Where(p => Find(p) is null).ToList();
        why = missing.Count == 0 ? "ok" : $"{string.Join(" and ", missing)} not on PATH ('apt-get install -y qemu-system-x86 qemu-utils')";
        return missing.Count == 0;
    }

    private static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(File.Exists);
}
