using System.CommandLine;
using LocalKube.Node.Hosting;

namespace LocalKube.Node;

/// <summary><c>localkube-node run</c>: hosts the node components until SIGTERM (docs/design.md).</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var dataDir = new Option<string>("--data-dir") { Description = "Data folder: store, logs/agent.log, default pid file", Required = true };
        var certDir = new Option<string>("--cert-dir") { Description = "Folder with ca.crt, apiserver.crt/.key, sa.key, sa.pub", Required = true };
        var bindAddress = new Option<string>("--bind-address") { Description = "IP address to serve HTTPS on", DefaultValueFactory = _ => "0.0.0.0" };
        var securePort = new Option<int>("--secure-port") { Description = "HTTPS port", DefaultValueFactory = _ => 8443 };
        var nodeName = new Option<string>("--node-name") { Description = "This node's name", Required = true };
        var advertise = new Option<string?>("--advertise-address") { Description = "IP address advertised to clients" };
        var pidFile = new Option<string?>("--pid-file") { Description = "Pid file (default <data-dir>/agent.pid)" };
        var etcd = new Option<string[]>("--etcd-servers") { Description = "External etcd v3 URLs, comma-separated", AllowMultipleArgumentsPerToken = false };
        var extra = new Option<string[]>("--extra-config") { Description = "component.key=value, repeatable" };
        var runtime = new Option<string>("--container-runtime") { Description = "How pods run: docker (the node's engine) or simulated", DefaultValueFactory = _ => "docker" };

        var command = new Command("run", "Run the node agent")
        {
            dataDir, certDir, bindAddress, securePort, nodeName, advertise, pidFile, etcd, extra, runtime,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new NodeAgentOptions
            {
                DataDir = parse.GetValue(dataDir)!,
                CertDir = parse.GetValue(certDir)!,
                BindAddress = parse.GetValue(bindAddress)!,
                SecurePort = parse.GetValue(securePort),
                NodeName = parse.GetValue(nodeName)!,
                AdvertiseAddress = parse.GetValue(advertise),
                PidFile = parse.GetValue(pidFile),
                ContainerRuntime = parse.GetValue(runtime) ?? "docker",
            };
            foreach (var url in (parse.GetValue(etcd) ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
            {
                options.EtcdServers.Add(url);
            }

            foreach (var entry in parse.GetValue(extra) ?? [])
            {
                options.ExtraConfig.Add(entry);
            }

            return await RunAsync(options, cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(NodeAgentOptions options, CancellationToken cancellationToken)
    {
        var errors = NodeAgentOptionsValidator.Check(options);
        if (errors.Count > 0)
        {
            foreach (var error in errors)
            {
                await Console.Error.WriteLineAsync($"localkube-node run: {error}".AsMemory(), cancellationToken);
            }

            return NodeExitStatus.InvalidUsage;
        }

        try
        {
            using var host = NodeAgentHost.CreateBuilder(options).Build();
            return await NodeAgentHost.RunAsync(host, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Before the host (and its log) exists: e.g. the log folder cannot be created.
            await Console.Error.WriteLineAsync($"localkube-node run: {e.Message}".AsMemory(), cancellationToken);
            return NodeExitStatus.ComponentFailed;
        }
    }
}
