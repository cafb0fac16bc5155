namespace LocalKube.Node.Machinery;

/// <summary>The Kubernetes version the node speaks: the API server reports it and the node's clients send it.</summary>
public static class KubeVersion
{
    /// <summary>The Kubernetes release this node implements (the API server's <c>gitVersion</c>).</summary>
    public const string GitVersion = "v1.32.4";
}
