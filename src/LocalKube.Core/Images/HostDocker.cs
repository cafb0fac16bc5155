using System.Text;
using CliWrap;
using CliWrap.Buffered;
using LocalKube.Abstractions.Errors;

namespace LocalKube.Core.Images;

/// <summary>
/// The host's own Docker, through its CLI (so DOCKER_HOST, contexts and credentials apply as for the user's own
/// commands): where <c>image load IMAGE</c> finds images. It is not the driver's business: any driver's node can
/// receive images from it.
/// </summary>
public class HostDocker
{
    /// <summary>The image in the host's Docker; null when it has no such image.</summary>
    public virtual async Task<HostImage?> InspectAsync(string image, CancellationToken cancellationToken)
    {
        var result = await RunAsync(["image", "inspect", "--format", "{{.Id}} {{.Size}}", image], cancellationToken);
        if (result.ExitCode != 0)
        {
            return null;
        }

        var parts = result.StandardOutput.Trim().Split(' ');
        return new HostImage(parts[0], parts.Length > 1 && long.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var size) ? size : 0);
    }

    /// <summary><c>docker pull</c> on the host; the error text when it fails, else null.</summary>
    public virtual async Task<string?> PullAsync(string image, CancellationToken cancellationToken)
    {
        var result = await RunAsync(["pull", "--quiet", image], cancellationToken);
        return result.ExitCode == 0 ? null : result.StandardError.Trim();
    }

    /// <summary>
    /// Streams <c>docker save IMAGE</c> into <paramref name="consume"/> as it is written (no temporary file). Returns
    /// docker's error text when the save failed, else null.
    /// </summary>
    public virtual async Task<string?> SaveAsync(string image, Func<Stream, CancellationToken, Task> consume, CancellationToken cancellationToken)
    {
        var stderr = new StringBuilder();
        var result = await Cli.Wrap("docker")
            .WithArguments(["save", image])
            .WithStandardOutputPipe(PipeTarget.Create(consume))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(stderr))
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync(cancellationToken);
        return result.ExitCode == 0 ? null : stderr.ToString().Trim();
    }

    private static async Task<BufferedCommandResult> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        try
        {
            return await Cli.Wrap("docker").WithArguments(arguments).WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(cancellationToken);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new LocalKubeException(Reasons.DockerNotFound,
                "Loading an image by name reads it from the host's Docker, but the docker CLI is not on PATH. Load a 'docker save' archive instead: localkube image load FILE.tar", e);
        }
    }
}
