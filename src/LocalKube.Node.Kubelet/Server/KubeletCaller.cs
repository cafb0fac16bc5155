namespace LocalKube.Node.Kubelet.Server;

/// <summary>An authenticated caller of the kubelet's API.</summary>
/// <param name="Name">The user name (a certificate's CN, or the TokenReview's user).</param>
/// <param name="Groups">Its groups (a certificate's O values, or the TokenReview's).</param>
/// <param name="Uid">The TokenReview's UID, if any.</param>
public sealed record KubeletCaller(string Name, IReadOnlyList<string> Groups, string? Uid = null);
