using System.Globalization;
using k8s.Models;
using LocalKube.Node.Controllers.Shared;

namespace LocalKube.Node.Controllers.Job;

/// <summary>Pod-level facts of the Job controller: the tracking finalizer, completion indexes, failure.</summary>
public static class JobPods
{
    /// <summary>The finalizer that keeps a finished pod until the Job has counted it.</summary>
    public const string TrackingFinalizer = "batch.kubernetes.io/job-tracking";

    /// <summary>The completion index annotation (and, 1.28+, label) of an Indexed Job's pod.</summary>
    public const string CompletionIndexKey = "batch.kubernetes.io/job-completion-index";

    /// <summary>The environment variable with the index.</summary>
    public const string CompletionIndexEnv = "JOB_COMPLETION_INDEX";

    /// <summary>No or a malformed index.</summary>
    public const int UnknownIndex = -1;

    /// <summary>Upstream's cap on pods recorded in <c>uncountedTerminatedPods</c> per sync.</summary>
    public const int MaxUncountedPods = 500;

    /// <summary>Upstream's cap on pod creates or deletes per sync.</summary>
    public const int MaxPodCreateDeletePerSync = 500;

    /// <summary>Whether the Job is Indexed.</summary>
    public static bool IsIndexed(V1Job job) => job.Spec?.CompletionMode == "Indexed";

    /// <summary>Whether <c>spec.suspend</c> is true.</summary>
    public static bool IsSuspended(V1Job job) => job.Spec?.Suspend == true;

    /// <summary>Whether the pod carries the tracking finalizer.</summary>
    public static bool HasTrackingFinalizer(V1Pod pod) => pod.Metadata?.Finalizers?.Contains(TrackingFinalizer) == true;

    /// <summary>The pod's completion index from its annotation (<see cref="UnknownIndex"/> when none).</summary>
    public static int CompletionIndex(V1Pod pod) =>
        pod.Metadata?.Annotations is { } a && a.TryGetValue(CompletionIndexKey, out var v)
            && int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : UnknownIndex;

    /// <summary>
    /// <c>onlyReplaceFailedPods</c>: replacements wait for terminating pods to finish (podReplacementPolicy
    /// Failed, the default with a pod failure policy).
    /// </summary>
    public static bool OnlyReplaceFailedPods(V1Job job) =>
        job.Spec?.PodReplacementPolicy == "Failed" || (job.Spec?.PodReplacementPolicy is null && job.Spec?.PodFailurePolicy is not null);

    /// <summary>
    /// <c>isPodFailed</c>: Failed, or (unless only failed pods are replaced) deleted before it succeeded.
    /// </summary>
    public static bool IsFailed(V1Pod pod, V1Job job)
    {
        if (PodState.Phase(pod) == "Failed")
        {
            return true;
        }

        return !OnlyReplaceFailedPods(job) && pod.Metadata?.DeletionTimestamp is not null && PodState.Phase(pod) != "Succeeded";
    }

    /// <summary>
    /// <c>getFinishedTime</c>: the latest container termination, else the Ready=False transition, else the
    /// deletion time, else the creation time.
    /// </summary>
    public static DateTime FinishedTime(V1Pod pod)
    {
        var terminated = (pod.Status?.ContainerStatuses ?? [])
            .Select(c => c.State?.Terminated?.FinishedAt)
            .Where(t => t is not null)
            .Select(t => t!.Value.ToUniversalTime())
            .ToList();
        if (terminated.Count > 0 && (pod.Status?.ContainerStatuses?.All(c => c.State?.Terminated is not null) ?? false))
        {
            return terminated.Max();
        }

        if (PodState.ReadyCondition(pod) is { Status: "False", LastTransitionTime: { } t })
        {
            return t.ToUniversalTime();
        }

        if (pod.Metadata?.DeletionTimestamp is { } d)
        {
            return d.ToUniversalTime();
        }

        return pod.Metadata?.CreationTimestamp?.ToUniversalTime() ?? DateTime.MinValue;
    }

    /// <summary>
    /// The template a Job's pods are made from: the tracking finalizer, and for an Indexed Job the
    /// <c>JOB_COMPLETION_INDEX</c> variable read from the index annotation.
    /// </summary>
    public static V1PodTemplateSpec Template(V1Job job)
    {
        var template = ModelCopy.Clone(job.Spec.Template);
        template.Metadata ??= new V1ObjectMeta();
        template.Metadata.Finalizers ??= new List<string>();
        if (!template.Metadata.Finalizers.Contains(TrackingFinalizer))
        {
            template.Metadata.Finalizers.Add(TrackingFinalizer);
        }

        if (IsIndexed(job))
        {
            foreach (var c in (template.Spec.InitContainers ?? []).Concat(template.Spec.Containers ?? []))
            {
                c.Env ??= new List<V1EnvVar>();
                if (c.Env.All(e => e.Name != CompletionIndexEnv))
                {
                    c.Env.Add(new V1EnvVar
                    {
                        Name = CompletionIndexEnv,
                        ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = $"metadata.annotations['{CompletionIndexKey}']" } },
                    });
                }
            }
        }

        return template;
    }

    /// <summary>
    /// The pod for <paramref name="index"/> of an Indexed Job: annotation and label with the index, hostname
    /// <c>&lt;job&gt;-&lt;i&gt;</c>, generateName <c>&lt;job&gt;-&lt;i&gt;-</c> (shortened to fit).
    /// </summary>
    public static V1Pod NewPod(V1Job job, V1PodTemplateSpec template, int index)
    {
        var pod = PodTemplates.NewPod(template, job.Metadata.Name, ControllerRefs.For(job, "batch/v1", "Job"));
        if (index == UnknownIndex)
        {
            return pod;
        }

        var text = index.ToString(CultureInfo.InvariantCulture);
        pod.Metadata.Annotations ??= new Dictionary<string, string>();
        pod.Metadata.Annotations[CompletionIndexKey] = text;
        pod.Metadata.Labels ??= new Dictionary<string, string>();
        pod.Metadata.Labels[CompletionIndexKey] = text;
        pod.Spec.Hostname = $"{job.Metadata.Name}-{text}";
        var suffix = "-" + text + "-";
        var prefix = job.Metadata.Name + suffix;
        pod.Metadata.GenerateName = prefix.Length > 58 ? prefix[..(58 - suffix.Length)] + suffix : prefix;
        return pod;
    }
}
