using k8s.Models;
using LocalKube.Node.Controllers.Shared;

namespace LocalKube.Node.Controllers.Deployment;

/// <summary>The numbers of a rollout (<c>deployment_util.go</c>): fenceposts, scale-up size, proportions.</summary>
public static class RolloutMath
{
    /// <summary>The RollingUpdate strategy type.</summary>
    public const string RollingUpdate = "RollingUpdate";

    /// <summary>The Recreate strategy type.</summary>
    public const string Recreate = "Recreate";

    /// <summary>Whether the Deployment rolls (the default when the type is unset).</summary>
    public static bool IsRollingUpdate(V1Deployment d) => (d.Spec?.Strategy?.Type ?? RollingUpdate) == RollingUpdate;

    /// <summary>The Deployment's <c>spec.replicas</c> (1 when unset, as defaulting makes it).</summary>
    public static int Replicas(V1Deployment d) => d.Spec?.Replicas ?? 1;

    /// <summary>An RS's <c>spec.replicas</c>.</summary>
    public static int Replicas(V1ReplicaSet rs) => rs.Spec?.Replicas ?? 0;

    /// <summary>
    /// <c>ResolveFenceposts</c>: maxSurge rounded up, maxUnavailable rounded down; both 0 gives 1 unavailable, on
    /// the theory that surge might not work because of a quota.
    /// </summary>
    public static (int Surge, int Unavailable) ResolveFenceposts(IntOrString? maxSurge, IntOrString? maxUnavailable, int desired)
    {
        var surge = IntOrPercent.Scaled(maxSurge, desired, roundUp: true);
        var unavailable = IntOrPercent.Scaled(maxUnavailable, desired, roundUp: false);
        if (surge == 0 && unavailable == 0)
        {
            unavailable = 1;
        }

        return (surge, unavailable);
    }

    /// <summary><c>MaxSurge</c>: 0 unless rolling.</summary>
    public static int MaxSurge(V1Deployment d)
    {
        if (!IsRollingUpdate(d))
        {
            return 0;
        }

        var ru = d.Spec?.Strategy?.RollingUpdate;
        return ResolveFenceposts(ru?.MaxSurge, ru?.MaxUnavailable, Replicas(d)).Surge;
    }

    /// <summary><c>MaxUnavailable</c>: 0 unless rolling with replicas, capped at replicas.</summary>
    public static int MaxUnavailable(V1Deployment d)
    {
        var replicas = Replicas(d);
        if (!IsRollingUpdate(d) || replicas == 0)
        {
            return 0;
        }

        var ru = d.Spec?.Strategy?.RollingUpdate;
        var unavailable = ResolveFenceposts(ru?.MaxSurge, ru?.MaxUnavailable, replicas).Unavailable;
        return Math.Min(unavailable, replicas);
    }

    /// <summary>Σ <c>spec.replicas</c>.</summary>
    public static int SpecReplicas(IEnumerable<V1ReplicaSet?> sets) => sets.Sum(rs => rs is null ? 0 : Replicas(rs));

    /// <summary>Σ <c>status.replicas</c>.</summary>
    public static int ActualReplicas(IEnumerable<V1ReplicaSet?> sets) => sets.Sum(rs => rs?.Status?.Replicas ?? 0);

    /// <summary>Σ <c>status.readyReplicas</c>.</summary>
    public static int ReadyReplicas(IEnumerable<V1ReplicaSet?> sets) => sets.Sum(rs => rs?.Status?.ReadyReplicas ?? 0);

    /// <summary>Σ <c>status.availableReplicas</c>.</summary>
    public static int AvailableReplicas(IEnumerable<V1ReplicaSet?> sets) => sets.Sum(rs => rs?.Status?.AvailableReplicas ?? 0);

    /// <summary>The RSes with <c>spec.replicas</c> &gt; 0 (<c>FilterActiveReplicaSets</c>).</summary>
    public static List<V1ReplicaSet> Active(IEnumerable<V1ReplicaSet?> sets) =>
        sets.Where(rs => rs is not null && Replicas(rs) > 0).Select(rs => rs!).ToList();

    /// <summary>
    /// <c>NewRSNewReplicas</c>: Recreate goes straight to replicas; RollingUpdate grows the new RS up to
    /// replicas + maxSurge pods in all, never past replicas.
    /// </summary>
    public static int NewReplicaSetReplicas(V1Deployment d, IEnumerable<V1ReplicaSet?> all, V1ReplicaSet newRS)
    {
        var replicas = Replicas(d);
        if (!IsRollingUpdate(d))
        {
            return replicas;
        }

        var maxSurge = IntOrPercent.Scaled(d.Spec?.Strategy?.RollingUpdate?.MaxSurge, replicas, roundUp: true);
        var current = SpecReplicas(all);
        var maxTotal = replicas + maxSurge;
        if (current >= maxTotal)
        {
            return Replicas(newRS);
        }

        var scaleUp = Math.Min(maxTotal - current, replicas - Replicas(newRS));
        return Replicas(newRS) + scaleUp;
    }

    /// <summary><c>IsSaturated</c>: the new RS has replicas pods, annotated so, all available.</summary>
    public static bool IsSaturated(V1Deployment d, V1ReplicaSet? rs)
    {
        if (rs is null || DeploymentAnnotations.IntAnnotation(rs.Metadata, DeploymentAnnotations.DesiredReplicas) is not { } desired)
        {
            return false;
        }

        var replicas = Replicas(d);
        return Replicas(rs) == replicas && desired == replicas && (rs.Status?.AvailableReplicas ?? 0) == replicas;
    }

    /// <summary>
    /// <c>GetProportion</c>: this RS's share of <paramref name="toAdd"/>, bounded by what is left to distribute.
    /// </summary>
    public static int Proportion(V1ReplicaSet? rs, V1Deployment d, int toAdd, int added)
    {
        if (rs is null || Replicas(rs) == 0 || toAdd == 0 || toAdd == added)
        {
            return 0;
        }

        var fraction = Fraction(rs, d);
        var allowed = toAdd - added;
        return toAdd > 0 ? Math.Min(fraction, allowed) : Math.Max(fraction, allowed);
    }

    /// <summary><c>FindActiveOrLatest</c>: the only active RS, or the newest when none is active.</summary>
    public static V1ReplicaSet? ActiveOrLatest(V1ReplicaSet? newRS, IReadOnlyList<V1ReplicaSet> oldRSs)
    {
        if (newRS is null && oldRSs.Count == 0)
        {
            return null;
        }

        var newestFirst = ObjectOrder.OldestFirst(oldRSs);
        newestFirst.Reverse();
        var active = Active(newestFirst.Append(newRS));
        return active.Count switch
        {
            0 => newRS ?? newestFirst[0],
            1 => active[0],
            _ => null,
        };
    }

    /// <summary>
    /// Proportional scaling (<c>sync.go scale</c>, rolling case): the new size of each active RS when the
    /// Deployment's replicas change mid-rollout. Largest first; ties newer first when adding, older when removing;
    /// leftovers go to the first.
    /// </summary>
    public static List<(V1ReplicaSet ReplicaSet, int Size, string Operation)> ProportionalSizes(V1Deployment d, V1ReplicaSet? newRS, IEnumerable<V1ReplicaSet> oldRSs)
    {
        var all = Active(oldRSs.Append(newRS));
        var current = SpecReplicas(all);
        var replicas = Replicas(d);
        var allowed = replicas > 0 ? replicas + MaxSurge(d) : 0;
        var toAdd = allowed - current;
        var operation = "";
        if (toAdd > 0)
        {
            all.Sort((a, b) => Replicas(a) != Replicas(b) ? Replicas(b).CompareTo(Replicas(a)) : -ObjectOrder.ByCreation(a, b));
            operation = "up";
        }
        else if (toAdd < 0)
        {
            all.Sort((a, b) => Replicas(a) != Replicas(b) ? Replicas(b).CompareTo(Replicas(a)) : ObjectOrder.ByCreation(a, b));
            operation = "down";
        }

        var added = 0;
        var sizes = new int[all.Count];
        for (var i = 0; i < all.Count; i++)
        {
            if (toAdd != 0)
            {
                var proportion = Proportion(all[i], d, toAdd, added);
                sizes[i] = Replicas(all[i]) + proportion;
                added += proportion;
            }
            else
            {
                sizes[i] = Replicas(all[i]);
            }
        }

        if (all.Count > 0 && toAdd != 0)
        {
            sizes[0] = Math.Max(0, sizes[0] + toAdd - added);
        }

        return all.Select((rs, i) => (rs, sizes[i], operation)).ToList();
    }

    // getReplicaSetFraction: round(spec × (replicas + surge) / max-replicas annotation) − spec.
    private static int Fraction(V1ReplicaSet rs, V1Deployment d)
    {
        var replicas = Replicas(d);
        if (replicas == 0)
        {
            return -Replicas(rs);
        }

        var deploymentMax = replicas + MaxSurge(d);
        var annotated = DeploymentAnnotations.IntAnnotation(rs.Metadata, DeploymentAnnotations.MaxReplicas) ?? (d.Status?.Replicas ?? 0);
        if (annotated == 0)
        {
            // No base to scale from: Go would divide by zero; stay put and let the leftover rule settle it.
            return 0;
        }

        var size = (double)Replicas(rs) * deploymentMax / annotated;
        return (int)Math.Round(size, MidpointRounding.AwayFromZero) - Replicas(rs);
    }
}
