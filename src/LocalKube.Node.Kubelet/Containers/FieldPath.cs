using System.Text;
using k8s.Models;

namespace LocalKube.Node.Kubelet.Containers;

/// <summary>
/// The downward API's <c>fieldRef</c> values (<c>k8s: pkg/fieldpath</c>, <c>kubelet_pods.go podFieldSelectorRuntimeValue</c>),
/// shared by env vars and downwardAPI volumes.
/// </summary>
public static class FieldPath
{
    /// <summary>The value of <paramref name="path"/> for <paramref name="pod"/> with the runtime's addresses.</summary>
    /// <exception cref="ContainerConfigException">The path is not supported.</exception>
    public static string Resolve(string path, V1Pod pod, IReadOnlyList<string> podIps, IReadOnlyList<string> hostIps)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(pod);
        var meta = pod.Metadata ?? new V1ObjectMeta();
        if (TrySubscript(path, "metadata.labels", out var labelKey))
        {
            return meta.Labels?.TryGetValue(labelKey, out var v) == true ? v : "";
        }

        if (TrySubscript(path, "metadata.annotations", out var annotationKey))
        {
            return meta.Annotations?.TryGetValue(annotationKey, out var v) == true ? v : "";
        }

        return path switch
        {
            "metadata.name" => meta.Name ?? "",
            "metadata.namespace" => meta.NamespaceProperty ?? "",
            "metadata.uid" => meta.Uid ?? "",
            "metadata.labels" => FormatMap(meta.Labels),
            "metadata.annotations" => FormatMap(meta.Annotations),
            "spec.nodeName" => pod.Spec?.NodeName ?? "",
            "spec.serviceAccountName" => pod.Spec?.ServiceAccountName ?? "",
            "status.hostIP" => hostIps.FirstOrDefault() ?? "",
            "status.hostIPs" => string.Join(',', hostIps),
            "status.podIP" => podIps.FirstOrDefault() ?? "",
            "status.podIPs" => string.Join(',', podIps),
            _ => throw new ContainerConfigException($"unsupported fieldPath: {path}"),
        };
    }

    /// <summary>
    /// Labels or annotations as the downward API writes them: sorted <c>key="value"</c> lines, values quoted as Go's
    /// <c>%q</c> does.
    /// </summary>
    public static string FormatMap(IDictionary<string, string>? map)
    {
        if (map is null || map.Count == 0)
        {
            return "";
        }

        var lines = map.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={GoQuote(kv.Value)}");
        return string.Join('\n', lines);
    }

    /// <summary>Go's <c>strconv.Quote</c> for the characters labels and annotations hold.</summary>
    public static string GoQuote(string value)
    {
        var s = new StringBuilder(value.Length + 2).Append('"');
        foreach (var rune in value.EnumerateRunes())
        {
            switch (rune.Value)
            {
                case '"': s.Append("\\\""); break;
                case '\\': s.Append("\\\\"); break;
                case '\n': s.Append("\\n"); break;
                case '\r': s.Append("\\r"); break;
                case '\t': s.Append("\\t"); break;
                case '\a': s.Append("\\a"); break;
                case '\b': s.Append("\\b"); break;
                case '\f': s.Append("\\f"); break;
                case '\v': s.Append("\\v"); break;
                default:
                    if (rune.Value < 0x20 || rune.Value == 0x7f)
                    {
                        s.Append("\\x").Append(rune.Value.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        s.Append(rune.ToString());
                    }

                    break;
            }
        }

        return s.Append('"').ToString();
    }

    private static bool TrySubscript(string path, string field, out string key)
    {
        key = "";
        var prefix = field + "['";
        if (!path.StartsWith(prefix, StringComparison.Ordinal) || !path.EndsWith("']", StringComparison.Ordinal))
        {
            return false;
        }

        key = path[prefix.Length..^2];
        return true;
    }
}
