using System.Runtime.InteropServices;

namespace LocalKube.Cli.Native;

/// <summary>
/// Keeps .NET from reading the machine's root certificates in a process that only ever trusts pinned ones.
/// </summary>
/// <remarks>
/// <c>status</c> probes the API server with the one certificate the profile issued (<c>ApiServerProbe</c>), but
/// SslStream builds a chain before its validation callback runs, and on Linux the first chain build of a process loads
/// the whole system trust store (about 140 files: ~80 ms of CPU, a third of what <c>status</c> costs). The store's
/// location comes from OpenSSL's <c>SSL_CERT_FILE</c>/<c>SSL_CERT_DIR</c>, read from the native environment when
/// .NET first needs it, so pointing them at nothing before any TLS makes the build find no roots; the probe's callback
/// decides anyway. Only for commands whose TLS is all pinned: a command talking to a server that needs the system
/// roots must not call this.
/// </remarks>
internal static partial class PinnedTrust
{
    private const string Nowhere = "/nonexistent/localkube-pinned-trust-only";

    public static void UseForThisProcess()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        // Environment.SetEnvironmentVariable changes only .NET's copy; OpenSSL reads the C library's.
        _ = SetEnv("SSL_CERT_FILE", Nowhere, 1);
        _ = SetEnv("SSL_CERT_DIR", Nowhere, 1);
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
