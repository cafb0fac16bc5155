using k8s.Models;

namespace LocalKube.Node.Machinery.Scheduling;

/// <summary>Taint and toleration matching (api <c>core/v1 toleration.go</c>).</summary>
public static class Tolerations
{
    /// <summary>
    /// Whether <paramref name="toleration"/> tolerates <paramref name="taint"/>: an empty effect matches every effect,
    /// an empty key with <c>Exists</c> every key; <c>Exists</c> ignores the value, <c>Equal</c> (the default) compares it.
    /// </summary>
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

        return toleration.OperatorProperty switch
        {
            "Exists" => true,
            "" or null or "Equal" => (toleration.Value ?? "") == (taint.Value ?? ""),
            _ => false,
        };
    }

    /// <summary>Whether any of <paramref name="tolerations"/> tolerates <paramref name="taint"/>.</summary>
    public static bool AnyTolerates(IEnumerable<V1Toleration>? tolerations, V1Taint taint)
    {
        foreach (var t in tolerations ?? [])
        {
            if (Tolerates(t, taint))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The first taint passing <paramref name="filter"/> that no toleration tolerates, or null.</summary>
    public static V1Taint? FindUntolerated(IEnumerable<V1Taint>? taints, IEnumerable<V1Toleration>? tolerations, Func<V1Taint, bool> filter)
    {
        foreach (var taint in taints ?? [])
        {
            if (filter(taint) && !AnyTolerates(tolerations, taint))
            {
                return taint;
            }
        }

        return null;
    }
}
