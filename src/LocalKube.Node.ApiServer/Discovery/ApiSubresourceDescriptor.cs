namespace LocalKube.Node.ApiServer.Discovery;

/// <summary>A subresource (<c>status</c>, <c>scale</c>, <c>log</c>...) of an <see cref="ApiResourceDescriptor"/>.</summary>
/// <param name="Name">Subresource name, e.g. <c>scale</c>.</param>
/// <param name="Verbs">Supported verbs, e.g. <c>get, patch, update</c>.</param>
public sealed record ApiSubresourceDescriptor(string Name, IReadOnlyList<string> Verbs)
{
    /// <summary>Group of the kind it returns when it differs from the parent (<c>scale</c> → <c>autoscaling</c>).</summary>
    public string? Group { get; init; }

    /// <summary>Version of the kind it returns when it differs from the parent.</summary>
    public string? Version { get; init; }

    /// <summary>Kind it returns when it differs from the parent (<c>Scale</c>).</summary>
    public string? Kind { get; init; }
}
