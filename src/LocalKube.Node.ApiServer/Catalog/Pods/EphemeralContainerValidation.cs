using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Validation;

namespace LocalKube.Node.ApiServer.Catalog.Pods;

/// <summary>
/// Upstream's checks of an ephemeral containers update (<c>ValidatePodEphemeralContainersUpdate</c>, what
/// <c>kubectl debug</c> sends): existing ones may be neither changed nor removed; a new one needs a name unique in the
/// pod and an image, may not have ports, probes, lifecycle hooks or resources, and may only target a container of
/// the pod.
/// </summary>
public static class EphemeralContainerValidation
{
    private const string NotForEphemeral = "cannot be set for an Ephemeral Container";

    /// <summary>Validates <paramref name="spec"/>'s ephemeral containers against <paramref name="old"/>'s.</summary>
    public static void ValidateUpdate(V1PodSpec spec, V1PodSpec old, FieldPath specPath, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(old);
        ArgumentNullException.ThrowIfNull(errors);
        var path = specPath.Child("ephemeralContainers");
        var now = spec.EphemeralContainers ?? [];
        var before = (old.EphemeralContainers ?? []).ToDictionary(c => c.Name ?? "", StringComparer.Ordinal);
        foreach (var (name, existing) in before)
        {
            var index = IndexOf(now, name);
            if (index < 0)
            {
                errors.Forbidden(path, $"existing ephemeral containers \"{name}\" may not be removed");
            }
            else if (!Json.SemanticEquals(now[index], existing))
            {
                errors.Forbidden(path.Index(index), $"existing ephemeral containers \"{name}\" may not be changed");
            }
        }

        // Targets are the pod's containers; names also take in the ephemeral ones, checked one by one below.
        var targets = (spec.Containers ?? []).Select(c => c.Name).Concat((spec.InitContainers ?? []).Select(c => c.Name)).ToHashSet(StringComparer.Ordinal);
        var names = new HashSet<string>(targets, StringComparer.Ordinal);
        for (var i = 0; i < now.Count; i++)
        {
            var c = now[i];
            var p = path.Index(i);
            if (string.IsNullOrEmpty(c.Name))
            {
                errors.Required(p.Child("name"));
            }
            else if (!names.Add(c.Name))
            {
                errors.Duplicate(p.Child("name"), c.Name);
            }

            if (before.ContainsKey(c.Name ?? ""))
            {
                continue;
            }

            if (string.IsNullOrWhiteSpace(c.Image))
            {
                errors.Required(p.Child("image"));
            }

            if (c.Ports is { Count: > 0 })
            {
                errors.Forbidden(p.Child("ports"), NotForEphemeral);
            }

            foreach (var (field, probe) in new[] { ("livenessProbe", c.LivenessProbe), ("readinessProbe", c.ReadinessProbe), ("startupProbe", c.StartupProbe) })
            {
                if (probe is not null)
                {
                    errors.Forbidden(p.Child(field), NotForEphemeral);
                }
            }

            if (c.Lifecycle is not null)
            {
                errors.Forbidden(p.Child("lifecycle"), NotForEphemeral);
            }

            if (c.Resources is { } r && (r.Limits is { Count: > 0 } || r.Requests is { Count: > 0 }))
            {
                errors.Forbidden(p.Child("resources"), NotForEphemeral);
            }

            if (!string.IsNullOrEmpty(c.TargetContainerName) && !targets.Contains(c.TargetContainerName))
            {
                errors.NotFound(p.Child("targetContainerName"), c.TargetContainerName);
            }
        }
    }

    private static int IndexOf(IList<V1EphemeralContainer> list, string name)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }
}
