namespace LocalKube.Node.ApiServer.Discovery;

/// <summary>Which discovery document a client asked for through its Accept header.</summary>
public enum DiscoveryFormat
{
    /// <summary>Legacy <c>APIVersions</c> / <c>APIGroupList</c> JSON.</summary>
    Legacy,

    /// <summary><c>apidiscovery.k8s.io/v2</c> <c>APIGroupDiscoveryList</c>.</summary>
    AggregatedV2,

    /// <summary><c>apidiscovery.k8s.io/v2beta1</c> <c>APIGroupDiscoveryList</c> (kubectl 1.27/1.28).</summary>
    AggregatedV2Beta1,

    /// <summary>Nothing acceptable: answer 406.</summary>
    NotAcceptable,
}
