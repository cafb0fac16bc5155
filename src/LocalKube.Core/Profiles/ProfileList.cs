namespace LocalKube.Core.Profiles;

/// <summary>All profiles on the host, split like minikube's <c>profile list -o json</c>.</summary>
/// <param name="Valid">Profiles with a readable config, sorted by name.</param>
/// <param name="Invalid">Profile folders that cannot be used, sorted by name; <c>delete</c> still removes them.</param>
public sealed record ProfileList(IReadOnlyList<ClusterConfig> Valid, IReadOnlyList<InvalidProfile> Invalid);
