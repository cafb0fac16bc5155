using k8s.Models;

namespace LocalKube.Node.Controllers.Namespace;

/// <summary>The status conditions upstream's namespace deleter reports on a Terminating namespace, each pass.</summary>
internal static class NamespaceConditions
{
    public const string DiscoveryFailure = "NamespaceDeletionDiscoveryFailure";
    public const string GroupVersionParsingFailure = "NamespaceDeletionGroupVersionParsingFailure";
    public const string ContentFailure = "NamespaceDeletionContentFailure";
    public const string ContentRemaining = "NamespaceContentRemaining";
    public const string FinalizersRemaining = "NamespaceFinalizersRemaining";

    /// <summary>The five conditions for one pass: a True one says what went wrong, a False one that all is well.</summary>
    public static List<V1NamespaceCondition> For(string? discoveryError, string? deletionError, string? remaining, string? finalizers, DateTime now) =>
    [
        Condition(DiscoveryFailure, discoveryError, "DiscoveryFailed", "ResourcesDiscovered", "All resources successfully discovered", now),
        Condition(GroupVersionParsingFailure, null, "GroupVersionParsingFailed", "ParsedGroupVersions", "All legacy kube types successfully parsed", now),
        Condition(ContentFailure, deletionError, "ContentDeletionFailed", "ContentDeleted", "All content successfully deleted, may be waiting on finalization", now),
        Condition(ContentRemaining, remaining, "SomeResourcesRemain", "ContentRemoved", "All content successfully removed", now),
        Condition(FinalizersRemaining, finalizers, "SomeFinalizersRemain", "ContentHasNoFinalizers", "All content-preserving finalizers finished", now),
    ];

    private static V1NamespaceCondition Condition(string type, string? problem, string badReason, string goodReason, string goodMessage, DateTime now) => new()
    {
        Type = type,
        Status = problem is null ? "False" : "True",
        Reason = problem is null ? goodReason : badReason,
        Message = problem ?? goodMessage,
        LastTransitionTime = now,
    };
}
