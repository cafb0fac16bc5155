using System.Text;
using LocalKube.Core.Images;

namespace LocalKube.Cli.Tests.Node;

/// <summary>A host Docker with a fixed set of images (name → ID and archive bytes).</summary>
internal sealed class FakeHostDocker : HostDocker
{
    public Dictionary<string, (string Id, string Archive)> Images { get; } = new(StringComparer.Ordinal);

    /// <summary>Images <see cref="PullAsync"/> can fetch.</summary>
    public Dictionary<string, (string Id, string Archive)> Registry { get; } = new(StringComparer.Ordinal);

    public List<string> Saved { get; } = [];

    public override Task<HostImage?> InspectAsync(string image, CancellationToken cancellationToken) =>
        Task.FromResult(Images.TryGetValue(image, out var found) ? new HostImage(found.Id, found.Archive.Length) : null);

    public override Task<string?> PullAsync(string image, CancellationToken cancellationToken)
    {
        if (Registry.TryGetValue(image, out var found))
        {
            Images[image] = found;
            return Task.FromResult<string?>(null);
        }

        return Task.FromResult<string?>($"Error response from daemon: pull access denied for {image}");
    }

    public override async Task<string?> SaveAsync(string image, Func<Stream, CancellationToken, Task> consume, CancellationToken cancellationToken)
    {
        Saved.Add(image);
        using var stream = new MemoryStream(Encoding.Latin1.GetBytes(Images[image].Archive));
        await consume(stream, cancellationToken);
        return null;
    }
}
