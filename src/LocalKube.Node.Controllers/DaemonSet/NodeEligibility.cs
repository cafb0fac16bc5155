using System.Globalization;
using k8s.Models;

namespace LocalKube.Node.Controllers.DaemonSet;

/// <summary>
/// Whether a daemon pod belongs on a node (<c>NodeShouldRunDaemonPod</c>): node name, nodeSelector and required
/// node affinity (<c>matchFields</c> included), and taints against the pod's tolerations plus the ones every daemon
/// pod gets.
/// </summary>
public static class NodeEligibility
{
    /// <summary>
    /// (shouldRun, shouldContinueRunning): an untolerated NoSchedule taint only stops new pods; an untolerated
    /// NoExecute one removes running pods too.
    /// </summary>
    public static (bool ShouldRun, bool ShouldContinueRunning) Evaluate(V1Node node, V1DaemonSet ds)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(ds);
        var spec = ds.Spec.Template.Spec;
        var nodeName = node.Metadata.Name;
        if (!string.IsNullOrEmpty(spec.NodeName) && spec.NodeName != nodeName)
        {
            return (false, false);
        }

        if (!MatchesRequiredAffinity(spec.NodeSelector, spec.Affinity?.NodeAffinity?.RequiredDuringSchedulingIgnoredDuringExecution, node))
        {
            return (false, false);
        }

        var tolerations = DaemonPods.WithDaemonTolerations(spec).Tolerations ?? [];
        var taints = node.Spec?.Taints ?? [];
        var untolerated = taints.Any(t => t.Effect is "NoSchedule" or "NoExecute" && !tolerations.Any(tol => Tolerates(tol, t)));
        if (!untolerated)
        {
            return (true, true);
        }

        var noExecute = taints.Any(t => t.Effect == "NoExecute" && !tolerations.Any(tol => Tolerates(tol, t)));
        return (false, !noExecute);
    }

    /// <summary>Whether a toleration tolerates a taint (<c>ToleratesTaint</c>).</summary>
    public static bool Tolerates(V1Toleration toleration, V1Taint taint)
    {
        if (!string.IsNullOrEmpty(toleration.Effect) && toleration.Effect != taint.Effect)
        {
            return false;
        }

        if (!string.IsNullOrEmpty(toleration.Key) && toleration.Key != taint.Key)
        {
            return false;
        }

        return (toleration.OperatorProperty ?? "Equal") switch
        {
            "Exists" => true,
            "Equal" or "" => (toleration.Value ?? "") == (taint.Value ?? ""),
            _ => false,
        };
    }

    /// <summary>nodeSelector labels and the required node selector terms (any term; every requirement in one).</summary>
    public static bool MatchesRequiredAffinity(IDictionary<string, string>? nodeSelector, V1NodeSelector? required, V1Node node)
    {
        var labels = node.Metadata?.Labels ?? new Dictionary<string, string>();
        foreach (var (k, v) in nodeSelector ?? new Dictionary<string, string>())
        {
            if (!labels.TryGetValue(k, out var actual) || actual != v)
            {
                return false;
            }
        }

        if (required is null)
        {
            return true;
        }

        return (required.NodeSelectorTerms ?? []).Any(term => MatchesTerm(term, node, labels));
    }

    private static bool MatchesTerm(V1NodeSelectorTerm term, V1Node node, IDictionary<string, string> labels)
    {
        var expressions = term.MatchExpressions ?? [];
        var fields = term.MatchFields ?? [];
        if (expressions.Count == 0 && fields.Count == 0)
        {
            return false;
        }

        return expressions.All(r => Matches(r, labels.TryGetValue(r.Key, out var v) ? v : null))
            && fields.All(r => r.Key == "metadata.name" && Matches(r, node.Metadata.Name));
    }

    private static bool Matches(V1NodeSelectorRequirement r, string? value)
    {
        var values = r.Values ?? [];
        return r.OperatorProperty switch
        {
            "In" => value is not null && values.Contains(value),
            "NotIn" => value is null || !values.Contains(value),
            "Exists" => value is not null,
            "DoesNotExist" => value is null,
            "Gt" => value is not null && values.Count == 1 && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var a)
                && long.TryParse(values[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var b) && a > b,
            "Lt" => value is not null && values.Count == 1 && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var c)
                && long.TryParse(values[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var d) && c < d,
            _ => false,
        };
    }
}
