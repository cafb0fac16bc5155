using System.CommandLine;
using System.Text.Json;
using LocalKube.Cli.Output;

namespace LocalKube.Cli.Commands;

/// <summary>
/// <c>localkube docker-env</c>: exports that point the host's docker CLI at the node's own Docker Engine (TLS with a
/// client certificate from the profile CA, on a 127.0.0.1 port), so <c>docker build</c> lands where pods run.
/// </summary>
public static class DockerEnvCommand
{
    /// <summary>The variable that names the profile whose engine the shell uses (minikube's MINIKUBE_ACTIVE_DOCKERD).</summary>
    public const string ActiveVariable = "LOCALKUBE_ACTIVE_DOCKERD";

    private static readonly string[] Names = ["DOCKER_TLS_VERIFY", "DOCKER_HOST", "DOCKER_CERT_PATH", ActiveVariable];

    public static Command Create(CliContext cli)
    {
        var shell = new Option<string?>("--shell")
        {
            Description = "Print for this shell: bash, zsh, fish, powershell, cmd, tcsh or none (default: detected).",
        };
        shell.AcceptOnlyFromAmong([.. ShellEnvironment.Shells]);
        var unset = new Option<bool>("--unset", "-u") { Description = "Unset the variables instead of setting them." };
        var command = new Command("docker-env", "Point the host's docker CLI at the node's Docker Engine: eval $(localkube docker-env)")
        {
            shell, unset,
        };
        command.SetAction(async (result, ct) =>
        {
            var chosen = result.GetValue(shell) ?? ShellEnvironment.Detect(Environment.GetEnvironmentVariable("SHELL"), OperatingSystem.IsWindows());
            if (result.GetValue(unset))
            {
                // No cluster needed: undoing must work even when the node is gone.
                cli.Out.Write(ShellEnvironment.Unset(chosen, Names));
                return 0;
            }

            var profile = cli.Profile(result);
            var env = await cli.Clusters.GetDockerEnvironmentAsync(profile, ct);
            List<KeyValuePair<string, string>> variables =
            [
                new("DOCKER_TLS_VERIFY", "1"),
                new("DOCKER_HOST", env.Host.ToString().TrimEnd('/')),
                new("DOCKER_CERT_PATH", env.CertPath),
                new(ActiveVariable, env.Profile),
            ];
            if (cli.Format(result) == OutputFormat.Json)
            {
                cli.Out.WriteLine(JsonSerializer.Serialize(variables.ToDictionary(v => v.Key, v => v.Value), CliJsonContext.Default.DictionaryStringString));
                return 0;
            }

            cli.Out.Write(ShellEnvironment.Set(chosen, variables, $"localkube -p {profile} docker-env"));
            return 0;
        });
        return command;
    }
}
