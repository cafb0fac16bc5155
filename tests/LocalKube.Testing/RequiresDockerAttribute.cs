using System.Net.Sockets;
using NUnit.Framework;
using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;

namespace LocalKube.Testing;

/// <summary>
/// Marks tests that need a running Docker daemon. Where Docker is missing they are ignored with the reason on a
/// developer machine, but FAIL in CI (<c>CI=true</c>): CI installs and starts Docker, so a missing daemon there is a
/// broken pipeline, never a reason to skip silently.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class RequiresDockerAttribute : NUnitAttribute, IApplyToTest
{
    public void ApplyToTest(Test test)
    {
        test.Properties.Add(PropertyNames.Category, "Docker");
        if (test.RunState == RunState.NotRunnable || DockerAvailability.IsAvailable(out _))
        {
            return;
        }

        if (DockerAvailability.IsCi)
        {
            // Leave it runnable: the test itself fails against the missing daemon, loudly.
            return;
        }

        DockerAvailability.IsAvailable(out var why);
        test.RunState = RunState.Ignored;
        test.Properties.Set(PropertyNames.SkipReason, $"Docker is not available: {why}");
    }
}

/// <summary>Checks for a Docker daemon the way the docker CLI finds it.</summary>
public static class DockerAvailability
{
    private static readonly Lazy<(bool Ok, string Why)> Result = new(Check);

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static bool IsAvailable(out string why)
    {
        why = Result.Value.Why;
        return Result.Value.Ok;
    }

    /// <summary>Fails the current test when Docker is unavailable (use in fixtures that must not skip).</summary>
    public static void Require()
    {
        if (!IsAvailable(out var why))
        {
            Assert.Fail($"Docker is required but not available: {why}");
        }
    }

    private static (bool, string) Check()
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        var path = "/var/run/docker.sock";
        if (!string.IsNullOrEmpty(host))
        {
            if (!host.StartsWith("unix://", StringComparison.Ordinal))
            {
                return (true, "DOCKER_HOST is set");
            }

            path = host["unix://".Length..];
        }

        if (!File.Exists(path))
        {
            return (false, $"no socket at {path}");
        }

        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(path));
            socket.Send("GET /_ping HTTP/1.0\r\n\r\n"u8);
            var buffer = new byte[256];
            socket.ReceiveTimeout = 5000;
            var n = socket.Receive(buffer);
            var text = System.Text.Encoding.ASCII.GetString(buffer, 0, n);
            return text.Contains(" 200 ", StringComparison.Ordinal) ? (true, "ok") : (false, $"daemon at {path} answered: {text.Split('\n')[0]}");
        }
        catch (SocketException e)
        {
            return (false, $"cannot connect to {path}: {e.Message}");
        }
    }
}
