namespace LocalKube.Node.Kubelet.Runtime;

/// <summary>An image present in the runtime.</summary>
/// <param name="Id">Its ID, <c>sha256:…</c>.</param>
/// <param name="RepoTags">Its tags, e.g. <c>busybox:1.36</c>.</param>
/// <param name="RepoDigests">Its digests (<c>repo@sha256:…</c>); empty for a loaded or built image.</param>
/// <param name="SizeBytes">Its size.</param>
/// <param name="User">Its USER (for runAsNonRoot checks); empty means root.</param>
public sealed record ImageInfo(string Id, IReadOnlyList<string> RepoTags, IReadOnlyList<string> RepoDigests, long SizeBytes, string User);
