namespace LocalKube.Node.ApiServer;

/// <summary>The API server's <c>--extra-config apiserver.&lt;key&gt;=value</c> keys.</summary>
public static class ApiServerSettings
{
    /// <summary>The <c>iss</c> of service-account tokens.</summary>
    public const string ServiceAccountIssuer = "service-account-issuer";

    /// <summary>Comma-separated audiences a token must name (default: the issuer).</summary>
    public const string ApiAudiences = "api-audiences";

    /// <summary>
    /// How often storage history is compacted (upstream's <c>--etcd-compaction-interval</c>, a Go duration; <c>0</c>
    /// turns it off). With <c>--etcd-servers</c> the API server compacts etcd itself; the embedded store keeps this
    /// much history.
    /// </summary>
    public const string EtcdCompactionInterval = "etcd-compaction-interval";

    /// <summary>The default of <see cref="EtcdCompactionInterval"/>, as upstream.</summary>
    public const string DefaultEtcdCompactionInterval = "5m0s";

    /// <summary>
    /// The longest token a TokenRequest gets (upstream's <c>--service-account-max-token-expiration</c>, a Go
    /// duration): a request for longer is shortened to this.
    /// </summary>
    public const string ServiceAccountMaxTokenExpiration = "service-account-max-token-expiration";

    /// <summary>Our default for <see cref="ServiceAccountMaxTokenExpiration"/>: 48 hours (upstream leaves it unset).</summary>
    public static readonly TimeSpan DefaultServiceAccountMaxTokenExpiration = TimeSpan.FromHours(48);
}
