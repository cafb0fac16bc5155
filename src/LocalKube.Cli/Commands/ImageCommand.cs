using System.CommandLine;
using LocalKube.Cli.Output;
using LocalKube.Core.Images;
using Spectre.Console;

namespace LocalKube.Cli.Commands;

/// <summary>
/// <c>localkube image load|ls|rm|build</c>: images in the node's own Docker Engine, where the kubelet runs pods, so a
/// pod with <c>imagePullPolicy: IfNotPresent</c> (the default for a tag other than <c>latest</c>) uses them without a
/// registry.
/// </summary>
public static class ImageCommand
{
    public static Command Create(CliContext cli) => new("image", "Manage images in the node")
    {
        Load(cli), List(cli), Remove(cli), Build(cli),
    };

    private static Command Load(CliContext cli)
    {
        var images = new Argument<string[]>("IMAGE | ARCHIVE | -")
        {
            Description = "Images in the host's Docker, 'docker save' archives, or '-' for an archive on stdin.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var overwrite = new Option<bool>("--overwrite")
        {
            Description = "When the node has another image under the same name, replace it.",
            DefaultValueFactory = _ => true,
        };
        var pull = new Option<bool>("--pull") { Description = "Pull the image into the host's Docker first." };
        var daemon = new Option<bool>("--daemon")
        {
            Description = "Read images from the host's Docker (the only source besides files: no registry is reached).",
            DefaultValueFactory = _ => true,
        };
        var command = new Command("load", "Load an image into the node: localkube image load IMAGE | ARCHIVE.tar | -")
        {
            images, overwrite, pull, daemon,
        };
        command.SetAction(async (result, ct) =>
        {
            var request = new ImageLoadRequest(result.GetValue(images) ?? [])
            {
                Overwrite = result.GetValue(overwrite),
                Pull = result.GetValue(pull),
            };
            var loader = cli.Get<NodeImages>();
            IReadOnlyList<LoadedImage> loaded;
            if (cli.ErrorIsTerminal)
            {
                // The bars replace the "Loading" lines on stderr; stdout keeps only what scripts read.
                var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(cli.Error) });
                loaded = await TransferProgressBar.RunAsync(console, transfer =>
                    loader.LoadAsync(cli.Profile(result), request with { Transfer = transfer }, new SyncProgress(line => console.MarkupLine(Markup.Escape(line))), ct));
            }
            else
            {
                loaded = await loader.LoadAsync(cli.Profile(result), request, new SyncProgress(line => cli.Error.WriteLine(line)), ct);
            }

            foreach (var image in loaded)
            {
                if (image.Skipped is not null)
                {
                    cli.Error.WriteLine($"Skipped {image.Source}: {image.Skipped}.");
                    continue;
                }

                foreach (var name in image.Images)
                {
                    cli.Out.WriteLine($"Loaded image: {name}");
                }
            }

            return 0;
        });
        return command;
    }

    private static Command List(CliContext cli)
    {
        var format = new Option<string>("--format")
        {
            Description = "Output format: short, table, json or yaml.",
            DefaultValueFactory = _ => "short",
        };
        format.AcceptOnlyFromAmong([.. ImageListFormatter.Formats]);
        var command = new Command("ls", "List the images in the node") { format };
        command.Aliases.Add("list");
        command.SetAction(async (result, ct) =>
        {
            var images = await cli.Get<NodeImages>().ListAsync(cli.Profile(result), ct);
            cli.Out.Write(ImageListFormatter.Render(images, result.GetValue(format)!));
            return 0;
        });
        return command;
    }

    private static Command Remove(CliContext cli)
    {
        var images = new Argument<string[]>("IMAGE") { Description = "Images to remove from the node.", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("rm", "Remove one or more images from the node") { images };
        command.Aliases.Add("remove");
        command.Aliases.Add("unload");
        command.SetAction(async (result, ct) =>
        {
            await cli.Get<NodeImages>().RemoveAsync(cli.Profile(result), result.GetValue(images) ?? [], ct);
            return 0;
        });
        return command;
    }

    private static Command Build(CliContext cli)
    {
        var context = new Argument<string>("PATH") { Description = "The build context: a directory with a Dockerfile." };
        var tag = new Option<string[]>("--tag", "-t") { Description = "Name (and tag) of the image, e.g. app:dev.", AllowMultipleArgumentsPerToken = false };
        var file = new Option<string?>("--file", "-f") { Description = "The Dockerfile, relative to PATH (default PATH/Dockerfile)." };
        var env = new Option<string[]>("--build-env") { Description = "Environment variables of the build (format: key=value)." };
        var opt = new Option<string[]>("--build-opt") { Description = "Extra docker build flags (format: key=value, e.g. build-arg=V=1, no-cache)." };
        var command = new Command("build", "Build an image in the node's Docker Engine: localkube image build -t TAG PATH")
        {
            context, tag, file, env, opt,
        };
        command.SetAction(async (result, ct) =>
        {
            await using var output = new TextWriterStream(cli.Out);
            await cli.Get<NodeImages>().BuildAsync(cli.Profile(result), new ImageBuildRequest(result.GetValue(context)!)
            {
                Tags = result.GetValue(tag) ?? [],
                Dockerfile = result.GetValue(file),
                Environment = result.GetValue(env) ?? [],
                Options = result.GetValue(opt) ?? [],
                Output = output,
            }, ct);
            return 0;
        });
        return command;
    }
}
