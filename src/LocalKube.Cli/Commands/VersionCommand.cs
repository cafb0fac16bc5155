using System.CommandLine;
using System.Reflection;
using System.Text.Json;
using LocalKube.Cli.Output;
using LocalKube.Core.Cluster;

namespace LocalKube.Cli.Commands;

/// <summary><c>localkube version</c>.</summary>
public static class VersionCommand
{
    public static Command Create(CliContext cli)
    {
        var command = new Command("version", "Print the version of localkube");
        command.SetAction(result =>
        {
            var info = typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
            var plus = info.IndexOf('+', StringComparison.Ordinal);
            var version = "v" + (plus < 0 ? info : info[..plus]);
            var commit = plus < 0 ? "" : info[(plus + 1)..];
            if (cli.Format(result) == OutputFormat.Json)
            {
                var doc = new Dictionary<string, string>
                {
                    ["localkubeVersion"] = version,
                    ["commit"] = commit,
                    ["kubernetesVersion"] = ClusterDefaults.KubernetesVersion,
                };
                cli.Out.WriteLine(JsonSerializer.Serialize(doc, CliJsonContext.Default.DictionaryStringString));
            }
            else
            {
                cli.Out.WriteLine($"localkube version: {version}");
                cli.Out.WriteLine($"commit: {commit}");
            }

            return 0;
        });
        return command;
    }
}
