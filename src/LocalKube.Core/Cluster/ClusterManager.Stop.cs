using LocalKube.Abstractions.Drivers;

namespace LocalKube.Core.Cluster;

public sealed partial class ClusterManager
{
    /// <summary>
    /// Stops every node of the profile, keeping all state. Like minikube, the kubeconfig entries are removed unless
    /// <paramref name="keepContextActive"/>; the next start writes them again. Returns the number of nodes stopped.
    /// </summary>
    public async Task<int> StopAsync(string profile, bool keepContextActive, IStepReporter reporter, CancellationToken cancellationToken)
    {
        var config = await LoadRequiredAsync(profile, cancellationToken);
        var driver = drivers.GetDriver(config.Driver);
        var stopped = 0;
        foreach (var machine in Machines(config))
        {
            await reporter.StepAsync(new StepInfo(1, 1, $"Stopping node \"{machine.Name}\""), async (_, ct) =>
            {
                if (await driver.GetStateAsync(machine, ct) is MachineState.Running or MachineState.Starting or MachineState.Paused)
                {
                    await driver.StopAsync(machine, ClusterDefaults.StopTimeout, ct);
                }
            }, cancellationToken);
            stopped++;
        }

        if (!keepContextActive)
        {
            await kubeconfig.RemoveAsync(profile, cancellationToken);
        }

        return stopped;
    }
}
