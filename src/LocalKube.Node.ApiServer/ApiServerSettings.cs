namespace LocalKube.Node.ApiServer;

/// <summary>The API server's <c>--extra-config apiserver.&lt;key&gt;=value</c> keys.</summary>
public static class ApiServerSettings
{
    /// <summary>The <c>iss</c> of service-account tokens.</summary>
    public const string ServiceAccountIssuer = "service-account-issuer";

    /// <summary>Comma-separated audiences a token must name (default: the issuer).</summary>
    public const string ApiAudiences = "api-audiences";
}
