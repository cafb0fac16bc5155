namespace LocalKube.Node.ApiServer.OpenApi;

/// <summary>
/// The media types of <c>/openapi/v2</c> and kube-openapi's choice among them: the Accept clauses sorted by quality
/// (q=0 never), a specific type before a wildcard at equal quality, and for each clause the first of JSON, protobuf
/// under its deprecated name (<c>...spec.v2@v1.0+protobuf</c>, the one client-go asks for) and protobuf under its
/// current name. No Accept means <c>*/*</c>.
/// </summary>
internal enum SwaggerMediaType
{
    /// <summary>Nothing acceptable: 406.</summary>
    None,

    /// <summary><c>application/json</c>.</summary>
    Json,

    /// <summary>gnostic's <c>openapi.v2.Document</c>.</summary>
    Protobuf,
}
