using System.CommandLine;
using LocalKube.Abstractions.Errors;
using LocalKube.Core.Cluster;
using LocalKube.Drivers.Docker;
using LocalKube.Drivers.Qemu;
using Microsoft.Extensions.DependencyInjection;

namespace LocalKube.Cli.Commands;

/// <summary>
/// <c>localkube node-image build</c> (hidden): builds the node images now rather than on first start: the container
/// image for the docker driver and the VM image for the VM drivers, from one debootstrap when both are missing.
/// <c>./build.sh --target=Images</c> calls it, so the build and the drivers agree on the recipe hash by construction.
/// </summary>
public static class NodeImageCommand
{
    public static Command Create(CliContext cli)
    {
        var docker = new Option<bool>("--docker") { Description = "Build only the container image (docker driver)." };
        var vm = new Option<bool>("--vm") { Description = "Build only the VM image (qemu, hyperv and xhyve drivers)." };
        var build = new Command("build", "Builds the node images that are missing") { docker, vm };
        build.SetAction(async (result, ct) =>
        {
            var reporter = cli.Reporter(result);
            var (wantDocker, wantVm) = (result.GetValue(docker), result.GetValue(vm)) switch
            {
                (false, false) => (true, true),
                var chosen => chosen,
            };
            var image = cli.Get<DockerNodeImage>();
            var vmImage = cli.Get<IServiceProvider>().GetRequiredKeyedService<QemuDriver>(QemuDriverDescriptor.Name).Image;
            await reporter.StepAsync(new StepInfo(1, 1, "Preparing the node images"), async (progress, c) =>
            {
                // Both missing: one build.sh run makes both from the same root file system.
                if (wantDocker)
                {
                    var tag = await image.EnsureAsync(null, wantVm && vmImage.Find() is null ? vmImage.Directory : null, progress, c);
                    progress.Report($"Node image: {tag}");
                }

                if (wantVm)
                {
                    var files = await vmImage.EnsureAsync(progress, c);
                    progress.Report($"VM node image: {files.Directory} (kernel {files.KernelVersion})");
                }
            }, ct);
            return 0;
        });
        return new Command("node-image", "Node image maintenance") { build, };
    }
}
