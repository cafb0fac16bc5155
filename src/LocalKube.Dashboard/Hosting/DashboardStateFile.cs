using System.Text.Json;

namespace LocalKube.Dashboard.Hosting;

/// <summary>Reads and writes <see cref="DashboardState"/>; the file holds the secret, so only its owner may read it.</summary>
public sealed class DashboardStateFile(string path)
{
    public string Path { get; } = path;

    public async Task<DashboardState?> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = File.OpenRead(Path);
            return await JsonSerializer.DeserializeAsync(stream, DashboardJsonContext.Default.DashboardState, cancellationToken);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public async Task WriteAsync(DashboardState state, CancellationToken cancellationToken)
    {
        var temp = Path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var stream = new FileStream(temp, options))
        {
            await JsonSerializer.SerializeAsync(stream, state, DashboardJsonContext.Default.DashboardState, cancellationToken);
        }

        File.Move(temp, Path, overwrite: true);
    }
}
