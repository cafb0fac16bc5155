namespace LocalKube.Node.Kubelet.Runtime;

/// <summary>The kubelet's name for <see cref="Machinery.GoDuration"/> (kept so kubelet code reads as before).</summary>
public static class GoDuration
{
    /// <inheritdoc cref="Machinery.GoDuration.TryParse"/>
    public static bool TryParse(string text, out TimeSpan duration) => Machinery.GoDuration.TryParse(text, out duration);

    /// <inheritdoc cref="Machinery.GoDuration.Format"/>
    public static string Format(TimeSpan duration) => Machinery.GoDuration.Format(duration);
}
