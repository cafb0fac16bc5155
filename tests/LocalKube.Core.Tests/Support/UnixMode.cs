namespace LocalKube.Core.Tests.Support;

internal static class UnixMode
{
    public static string Of(string path) =>
        OperatingSystem.IsWindows() ? "n/a" : Convert.ToString((int)File.GetUnixFileMode(path), 8);

    public static void RequireUnix()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("Unix file modes only.");
        }
    }
}
