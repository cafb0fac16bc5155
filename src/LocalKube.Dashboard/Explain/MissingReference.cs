namespace LocalKube.Dashboard.Explain;

/// <summary>Something a pod's spec needs that the API server does not have: a ConfigMap, a Secret, a key in one, a claim.</summary>
/// <param name="Kind"><c>ConfigMap</c>, <c>Secret</c> or <c>PersistentVolumeClaim</c>.</param>
/// <param name="Name">The object's name.</param>
/// <param name="Key">The missing key, when the object exists but lacks it.</param>
/// <param name="UsedBy">Where the spec uses it (<c>env DB_URL of container web</c>, <c>volume config</c>).</param>
public sealed record MissingReference(string Kind, string Name, string? Key, string UsedBy);
