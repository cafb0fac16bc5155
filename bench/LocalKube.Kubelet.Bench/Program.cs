using System.Globalization;
using LocalKube.Kubelet.Bench;

// The kubelet's pod benchmarks of issue 10. Usage:
//   LocalKube.Kubelet.Bench simulated [pods] [rounds]      in-process agent, simulated runtime: pods → all Running
//   LocalKube.Kubelet.Bench startup IMAGE [pods]            the cluster of KUBECONFIG: one pod at a time, create → Ready
//   LocalKube.Kubelet.Bench burst IMAGE [pods] [rounds]     the cluster of KUBECONFIG: pods created at once → all Ready
// bench/kubelet.sh runs the last two against a docker-driver cluster it starts.
var which = args.Length > 0 ? args[0] : "";
Console.WriteLine($"LocalKube kubelet benchmark {which}; load average {Load.Average()}");
using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(20));
switch (which)
{
    case "simulated":
        await SimulatedBench.RunAsync(Arg(1, 1000), Arg(2, 3), stop.Token);
        break;
    case "startup" when args.Length > 1:
        await ClusterBench.StartupAsync(args[1], Arg(2, 50), stop.Token);
        break;
    case "burst" when args.Length > 1:
        await ClusterBench.BurstAsync(args[1], Arg(2, 30), Arg(3, 3), stop.Token);
        break;
    default:
        Console.Error.WriteLine("usage: LocalKube.Kubelet.Bench simulated [pods] [rounds] | startup IMAGE [pods] | burst IMAGE [pods] [rounds]");
        return 2;
}

Console.WriteLine($"load average after: {Load.Average()}");
return 0;

int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;
