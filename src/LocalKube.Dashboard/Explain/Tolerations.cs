using k8s.Models;

namespace LocalKube.Dashboard.Explain;

/// <summary>Upstream's toleration matching (<c>Toleration.ToleratesTaint</c>).</summary>
internal static class Tolerations
{
    public static bool Tolerates(IEnumerable<V1Toleration>? tolerations, V1Taint taint) =>
        (tolerations ?? []).Any(t => Tolerates(t, taint));

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
            null or "" or "Equal" => toleration.Value == taint.Value || (string.IsNullOrEmpty(toleration.Value) && string.IsNullOrEmpty(taint.Value)),
            _ => false,
        };
    }

    public static string Describe(V1Taint taint) =>
        string.IsNullOrEmpty(taint.Value) ? $"{taint.Key}:{taint.Effect}" : $"{taint.Key}={taint.Value}:{taint.Effect}";
}
