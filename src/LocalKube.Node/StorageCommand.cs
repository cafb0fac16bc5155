using System.CommandLine;
using LocalKube.Node.Hosting;

namespace LocalKube.Node;

/// <summary>
/// <c>localkube-node storage</c>: the standalone embedded store. A placeholder until the storage issue replaces
/// this file: it validates its flags and exits with <see cref="NodeExitStatus.InvalidUsage"/>.
/// </summary>
internal static class StorageCommand
{
    public const string NotYetMessage = "localkube-node storage: the embedded store arrives with the storage issue";

    public static Command Create()
    {
        var dataDir = new Option<string>("--data-dir") { Description = "Store folder", Required = true };
        var listen = new Option<string>("--listen-client-urls") { Description = "http://127.0.0.1:PORT[,...] to serve the etcd v3 API on", Required = true };
        listen.Validators.Add(result =>
        {
            foreach (var url in (result.GetValueOrDefault<string>() ?? "").Split(',', StringSplitOptions.TrimEntries))
            {
                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp || uri.Port <= 0 || uri.AbsolutePath != "/")
                {
                    result.AddError($"--listen-client-urls '{url}' must look like http://127.0.0.1:PORT");
                }
            }
        });

        var command = new Command("storage", "Run only the embedded etcd-compatible store") { dataDir, listen };
        command.SetAction(async (_, cancellationToken) =>
        {
            await Console.Error.WriteLineAsync(NotYetMessage.AsMemory(), cancellationToken);
            return NodeExitStatus.InvalidUsage;
        });
        return command;
    }
}
