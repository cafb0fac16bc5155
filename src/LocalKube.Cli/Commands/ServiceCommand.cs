using System.CommandLine;
using System.Diagnostics;
using k8s;
using k8s.Models;
using LocalKube.Core.Services;

namespace LocalKube.Cli.Commands;

/// <summary>
/// <c>localkube service NAME [-n NS] [--url] [--https] [--all]</c> and <c>service list</c>: minikube's service
/// command as it behaves with port forwarding (Docker Desktop): one <c>http://127.0.0.1:PORT</c> line per service
/// port on stdout, then it forwards in the foreground until Ctrl+C, through the node into the NodePort (or the
/// ClusterIP of a ClusterIP-only service), so the cluster's proxy balances and follows readiness.
/// </summary>
public static class ServiceCommand
{
    public static Command Create(CliContext cli)
    {
        var name = new Argument<string?>("service") { Description = "The service's name.", Arity = ArgumentArity.ZeroOrOne };
        var ns = new Option<string>("--namespace", "-n") { Description = "The service's namespace.", DefaultValueFactory = _ => "default" };
        var url = new Option<bool>("--url") { Description = "Print the URLs instead of opening a browser." };
        var https = new Option<bool>("--https") { Description = "Print https:// URLs." };
        var all = new Option<bool>("--all") { Description = "Forward every service of the namespace." };
        var command = new Command("service", "Forwards a service's ports to 127.0.0.1 and prints their URLs (until Ctrl+C)") { name, ns, url, https, all };
        command.Subcommands.Add(List(cli));
        command.SetAction(async (result, ct) =>
        {
            var profile = cli.Profile(result);
            var space = result.GetValue(ns)!;
            var wanted = result.GetValue(name);
            if (string.IsNullOrEmpty(wanted) && !result.GetValue(all))
            {
                throw new Abstractions.Errors.LocalKubeException(Abstractions.Errors.Reasons.Usage, "'localkube service' needs a service name, or --all.");
            }

            using var access = await cli.Clusters.ServiceAccessAsync(profile, ct);
            var services = string.IsNullOrEmpty(wanted)
                ? (await access.Client.CoreV1.ListNamespacedServiceAsync(space, cancellationToken: ct)).Items.ToList()
                : [await access.GetAsync(space, wanted, ct)];
            var forwarders = new List<ServiceForwarder>();
            try
            {
                foreach (var service in services)
                {
                    var targets = ServiceAccess.Targets(service);
                    if (targets.Count == 0)
                    {
                        cli.Error.WriteLine($"service {service.Metadata.NamespaceProperty}/{service.Metadata.Name} has no node port");
                        continue;
                    }

                    foreach (var target in targets)
                    {
                        var forwarder = access.Forward(target);
                        forwarders.Add(forwarder);
                        var link = $"{(result.GetValue(https) ? "https" : "http")}://127.0.0.1:{forwarder.Port}";
                        cli.Out.WriteLine(link);
                        if (!result.GetValue(url))
                        {
                            TryOpen(link);
                        }
                    }
                }

                cli.Out.Flush();
                if (forwarders.Count == 0)
                {
                    return 0;
                }

                cli.Error.WriteLine("Because the node's addresses may not be reachable from this host, the terminal needs to be open to run it. Press Ctrl+C to stop.");
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                catch (OperationCanceledException)
                {
                    // Ctrl+C ends the forwarding.
                }

                return 0;
            }
            finally
            {
                foreach (var forwarder in forwarders)
                {
                    await forwarder.DisposeAsync();
                }
            }
        });
        return command;
    }

    private static Command List(CliContext cli)
    {
        var ns = new Option<string?>("--namespace", "-n") { Description = "Only this namespace (default: all)." };
        var command = new Command("list", "Lists every service and where it is reached") { ns };
        command.SetAction(async (result, ct) =>
        {
            using var access = await cli.Clusters.ServiceAccessAsync(cli.Profile(result), ct);
            var space = result.GetValue(ns);
            var services = string.IsNullOrEmpty(space)
                ? (await access.Client.CoreV1.ListServiceForAllNamespacesAsync(cancellationToken: ct)).Items
                : (await access.Client.CoreV1.ListNamespacedServiceAsync(space, cancellationToken: ct)).Items;
            var rows = services.OrderBy(s => s.Metadata.NamespaceProperty, StringComparer.Ordinal).ThenBy(s => s.Metadata.Name, StringComparer.Ordinal)
                .Select(s => (s.Metadata.NamespaceProperty, s.Metadata.Name, Port: Ports(s), Url: Urls(s))).ToList();
            var widths = new[] { Math.Max(9, rows.Max(r => r.NamespaceProperty.Length)), Math.Max(4, rows.Max(r => r.Name.Length)), Math.Max(11, rows.Max(r => r.Port.Length)) };
            cli.Out.WriteLine($"{"NAMESPACE".PadRight(widths[0])}  {"NAME".PadRight(widths[1])}  {"TARGET PORT".PadRight(widths[2])}  URL");
            foreach (var row in rows)
            {
                cli.Out.WriteLine($"{row.NamespaceProperty.PadRight(widths[0])}  {row.Name.PadRight(widths[1])}  {row.Port.PadRight(widths[2])}  {row.Url}");
            }

            return 0;
        });
        return command;
    }

    private static string Ports(V1Service service) =>
        service.Spec?.Ports is { Count: > 0 } ports ? string.Join(",", ports.Select(p => p.Name is { Length: > 0 } n ? $"{n}/{p.Port}" : p.Port.ToString(System.Globalization.CultureInfo.InvariantCulture))) : "No node port";

    // minikube's list shows a URL only for services with node ports; here 'service NAME' forwards any of them.
    private static string Urls(V1Service service) =>
        service.Spec?.Type is "NodePort" or "LoadBalancer"
            ? $"run 'localkube service {service.Metadata.Name} -n {service.Metadata.NamespaceProperty} --url'"
            : "";

    private static void TryOpen(string link)
    {
        var opener = OperatingSystem.IsMacOS() ? "open" : OperatingSystem.IsWindows() ? "explorer.exe" : "xdg-open";
        if (OperatingSystem.IsLinux() && Environment.GetEnvironmentVariable("DISPLAY") is null && Environment.GetEnvironmentVariable("WAYLAND_DISPLAY") is null)
        {
            return;
        }

        try
        {
            using var process = Process.Start(new ProcessStartInfo(opener, link) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true });
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No browser: the link is printed.
        }
    }
}
