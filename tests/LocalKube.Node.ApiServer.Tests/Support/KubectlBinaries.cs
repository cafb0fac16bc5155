using LocalKube.Testing;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests;

/// <summary>
/// Where each kubectl version the compatibility tests use lives. 1.20 is Debian's <c>kubernetes-client</c>, extracted
/// (not installed: it conflicts with the machine's kubectl) by <c>.ci/run</c> into
/// <c>~/.cache/localkube-ci/kubectl-1.20/kubectl</c>, or wherever <c>LOCALKUBE_KUBECTL_1_20</c> says. The others are
/// the versioned binaries the Google Cloud CLI ships next to its dispatcher (<c>kubectl.1.27</c> ... <c>kubectl.1.33</c>),
/// which it otherwise picks by the server's minor version. A missing one fails in CI and ignores the test elsewhere.
/// </summary>
internal static class KubectlBinaries
{
    /// <summary>The environment variable naming the extracted kubectl 1.20.</summary>
    public const string Kubectl120Variable = "LOCALKUBE_KUBECTL_1_20";

    public static string Find(string version)
    {
        var path = version == "1.20" ? Kubectl120() : Dispatched(version);
        if (path is null || !File.Exists(path))
        {
            var message = $"kubectl {version} is not at {path ?? "(no kubectl dispatcher on PATH)"}" +
                (version == "1.20" ? "; .ci/run extracts it from Debian's kubernetes-client" : "");
            if (DockerAvailability.IsCi)
            {
                Assert.Fail(message);
            }

            Assert.Ignore(message);
        }

        return path!;
    }

    private static string Kubectl120() =>
        Environment.GetEnvironmentVariable(Kubectl120Variable) is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "localkube-ci", "kubectl-1.20", "kubectl");

    private static string? Dispatched(string version)
    {
        var dispatcher = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, "kubectl")).FirstOrDefault(File.Exists);
        if (dispatcher is null)
        {
            return null;
        }

        var target = File.ResolveLinkTarget(dispatcher, returnFinalTarget: true)?.FullName ?? dispatcher;
        return Path.Combine(Path.GetDirectoryName(target)!, "kubectl." + version);
    }
}
