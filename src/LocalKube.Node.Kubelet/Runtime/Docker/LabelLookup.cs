namespace LocalKube.Node.Kubelet.Runtime.Docker;

/// <summary>Label lookups on Docker.DotNet's <see cref="IDictionary{TKey, TValue}"/> label maps.</summary>
internal static class LabelLookup
{
    /// <summary>The value of <paramref name="key"/>, or null.</summary>
    public static string? Get(this IDictionary<string, string>? labels, string key) =>
        labels is not null && labels.TryGetValue(key, out var value) ? value : null;
}
