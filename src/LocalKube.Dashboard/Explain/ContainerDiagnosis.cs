using k8s.Models;

namespace LocalKube.Dashboard.Explain;

/// <summary>What one container's status says: a pull that fails, a crash loop with its exit code and last output, a missing config, an OOM kill.</summary>
internal static class ContainerDiagnosis
{
    private static readonly HashSet<string> PullReasons =
        ["ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull", "RegistryUnavailable", "ImageInspectError", "SignatureValidationFailed"];

    public static IEnumerable<Finding> Explain(PodFacts facts, V1ContainerStatus status, V1Container? spec, bool init)
    {
        var what = (init ? "Init container " : "Container ") + status.Name;
        var image = spec?.Image ?? status.Image;
        var waiting = status.State?.Waiting;
        var terminated = status.State?.Terminated;
        var last = status.LastState?.Terminated;

        if (waiting is not null)
        {
            var reason = waiting.Reason ?? "";
            if (PullReasons.Contains(reason))
            {
                yield return new Finding("error", "ImagePullBackOff",
                    reason == "InvalidImageName" ? $"{what} has an invalid image name \"{image}\"." : $"Cannot pull image \"{image}\" for {Lower(what)}.",
                    Join(reason + (string.IsNullOrEmpty(waiting.Message) ? "" : ": " + waiting.Message), PullEvent(facts, status.Name)),
                    reason == "InvalidImageName"
                        ? "Fix the image reference in the pod template (repository[:tag][@digest], lower case)."
                        : "Check the image name and tag. If you built the image locally, load it into the cluster, then the pod retries by itself.",
                    status.Name,
                    reason == "InvalidImageName" ? null : $"localkube image load {image}");
                yield break;
            }

            if (reason == "CrashLoopBackOff")
            {
                yield return Crash(facts, status, what, last, "error");
                yield break;
            }

            if (reason is "CreateContainerConfigError" or "CreateContainerError" or "RunContainerError" or "PreCreateHookError" or "PostStartHookError")
            {
                yield return new Finding("error", reason,
                    reason == "CreateContainerConfigError" ? $"{what} cannot be configured: something its spec refers to is missing." : $"{what} could not be started ({reason}).",
                    waiting.Message, reason == "CreateContainerConfigError" ? "Create the missing ConfigMap, Secret or key named above; the kubelet retries by itself." : null,
                    status.Name);
                yield break;
            }

            if (reason is "ContainerCreating" or "PodInitializing" or "")
            {
                yield return new Finding("info", "ContainerCreating", $"{what} is being created.", waiting.Message, null, status.Name);
                yield break;
            }

            yield return new Finding("warning", reason, $"{what} is waiting: {reason}.", waiting.Message, null, status.Name);
            yield break;
        }

        if (terminated is not null)
        {
            if (terminated.Reason == "OOMKilled")
            {
                yield return OutOfMemory(what, spec, status.Name, "error");
            }
            else if (terminated.ExitCode != 0)
            {
                yield return Crash(facts, status, what, terminated, init ? "error" : "error");
            }

            yield break;
        }

        if (status.State?.Running is not null && last?.Reason == "OOMKilled")
        {
            yield return OutOfMemory(what, spec, status.Name, "warning");
        }
        else if (status.State?.Running is not null && status.RestartCount >= 3 && last is not null)
        {
            yield return Crash(facts, status, what, last, "warning") with
            {
                Title = $"{what} is running again but has restarted {status.RestartCount} times.",
            };
        }
    }

    private static Finding Crash(PodFacts facts, V1ContainerStatus status, string what, V1ContainerStateTerminated? exit, string severity)
    {
        var restarts = status.RestartCount == 1 ? "1 time" : $"{status.RestartCount} times";
        var title = exit is null
            ? $"{what} keeps crashing (restarted {restarts})."
            : $"{what} keeps crashing: it exited with code {exit.ExitCode}{(string.IsNullOrEmpty(exit.Reason) ? "" : $" ({exit.Reason})")}, restarted {restarts}.";
        if (exit?.Reason == "OOMKilled")
        {
            title = $"{what} keeps being killed for using too much memory (OOMKilled), restarted {restarts}.";
        }

        var detail = new List<string?>();
        if (exit is not null)
        {
            var ran = exit.StartedAt is not null && exit.FinishedAt is not null ? Ages.Utc(exit.FinishedAt) - Ages.Utc(exit.StartedAt) : null;
            var ago = Ages.Utc(exit.FinishedAt) is { } at ? Ages.Human(facts.Now - at) + " ago" : null;
            detail.Add($"Last exit: code {exit.ExitCode}" + (ran is null ? "" : $" after running {Ages.Human(ran.Value)}") + (ago is null ? "" : $", {ago}") + ".");
            if (!string.IsNullOrWhiteSpace(exit.Message))
            {
                detail.Add("Termination message: " + exit.Message.Trim());
            }
        }

        var lines = facts.PreviousLogs.TryGetValue(status.Name, out var tail) ? tail : null;
        if (lines is null && facts.LogErrors.TryGetValue(status.Name, out var logError))
        {
            detail.Add("Its last output could not be read: " + logError);
        }

        return new Finding(severity, "CrashLoopBackOff", title, Join([.. detail]), ExitHint(exit?.ExitCode ?? -1, exit?.Reason), status.Name,
            $"kubectl logs -n {facts.Pod.Metadata.NamespaceProperty} {facts.Pod.Metadata.Name} -c {status.Name} --previous", lines);
    }

    private static Finding OutOfMemory(string what, V1Container? spec, string container, string severity)
    {
        var limit = spec?.Resources?.Limits is { } limits && limits.TryGetValue("memory", out var value) ? Quantities.Parse(value) : 0;
        return new Finding(severity, "OOMKilled",
            limit > 0 ? $"{what} was killed for using more memory than its limit of {Quantities.Memory(limit)} (OOMKilled)."
                      : $"{what} was killed for running out of memory (OOMKilled).",
            null,
            limit > 0 ? "Raise resources.limits.memory, or find what makes the program use that much." : "Set a memory limit the node can give, or give the cluster more memory.",
            container);
    }

    internal static string? ExitHint(int code, string? reason) => code switch
    {
        0 => "It exits successfully, but its restartPolicy restarts it: a container in a Deployment must keep running. For a one-off task use a Job.",
        1 => "The program reported an error: its last output (below) usually says why.",
        2 => "The program or shell rejected its arguments: check command and args.",
        126 => "The command is not executable: check the file's permissions or the command.",
        127 => "The command was not found in the image: check command and args, and that the image has that program.",
        137 when reason == "OOMKilled" => "It ran out of memory: raise resources.limits.memory.",
        137 => "It was killed with SIGKILL: out of memory, or a liveness probe that kept failing.",
        139 => "It crashed with a segmentation fault (SIGSEGV).",
        143 => "It was stopped with SIGTERM and did not handle it.",
        > 128 and < 160 => $"It was killed by signal {code - 128}.",
        _ => null,
    };

    private static string? PullEvent(PodFacts facts, string container) =>
        facts.Events
            .Where(e => e.Reason is "Failed" && e.Message is not null && e.InvolvedObject?.FieldPath?.Contains("{" + container + "}", StringComparison.Ordinal) != false)
            .OrderByDescending(SchedulingDiagnosis.EventTime)
            .Select(e => e.Message)
            .FirstOrDefault();

    private static string Lower(string what) => char.ToLowerInvariant(what[0]) + what[1..];

    internal static string? Join(params string?[] parts)
    {
        var kept = parts.Where(p => !string.IsNullOrWhiteSpace(p)).Distinct().ToList();
        return kept.Count == 0 ? null : string.Join("\n", kept);
    }
}
