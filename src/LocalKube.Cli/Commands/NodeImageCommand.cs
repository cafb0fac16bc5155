using System.CommandLine;
using LocalKube.Core.Cluster;
using LocalKube.Drivers.Docker;

namespace LocalKube.Cli.Commands;

/// <summary>
/// <c>localkube node-image build</c> (hidden): builds the docker driver's node image now rather than on first start.
/// <c>./build.sh --target=Images</c> calls it, so the build and the driver agree on the tag by construction.
/// </summary>
public static class NodeImageCommand
{
    public static Command Create(CliContext cli)
    {
        var build = new Command("build", "Builds the node image for the docker driver if it is missing");
        build.SetAction(async (result, ct) =>
        {
            var reporter = cli.Reporter(result);
            var tag = await reporter.StepAsync(new StepInfo(1, 1, "Preparing the node image"),
                (progress, c) => cli.Get<DockerNodeImage>().EnsureAsync(null, progress, c), ct);
            reporter.Info($"Node image: {tag}");
            return 0;
        });
        return new Command("node-image", "Node image maintenance") { build, };
    }
}
