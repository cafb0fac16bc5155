namespace LocalKube.Core.Profiles;

/// <summary>One node of a profile.</summary>
/// <param name="Machine">The machine name (<c>&lt;profile&gt;</c> for the first node, <c>&lt;profile&gt;-m02</c> after).</param>
/// <param name="Role">What the node runs.</param>
public sealed record ClusterNode(string Machine, NodeRole Role);
