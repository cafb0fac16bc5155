namespace LocalKube.Node.ApiServer.Rest;

/// <summary>
/// A resource URL split into its parts: <c>[namespaces/&lt;ns&gt;/]&lt;plural&gt;[/&lt;name&gt;[/&lt;subresource&gt;]]</c>
/// after <c>/api/v1/</c> or <c>/apis/&lt;group&gt;/&lt;version&gt;/</c>. <c>namespaces/&lt;name&gt;[/status|/finalize]</c>
/// is the namespace object itself.
/// </summary>
/// <param name="Namespace">The namespace segment, if any.</param>
/// <param name="Plural">The resource.</param>
/// <param name="Name">The object name, for item URLs.</param>
/// <param name="Subresource">The subresource, e.g. <c>status</c>.</param>
public sealed record RestPath(string? Namespace, string Plural, string? Name, string? Subresource)
{
    /// <summary>Parses the part after the group-version; null when it is not a resource URL.</summary>
    public static RestPath? Parse(string? rest)
    {
        if (string.IsNullOrEmpty(rest))
        {
            return null;
        }

        var s = rest.Split('/');
        if (s.Any(string.IsNullOrEmpty))
        {
            return null;
        }

        if (s[0] == "namespaces")
        {
            return s.Length switch
            {
                1 => new RestPath(null, "namespaces", null, null),
                2 => new RestPath(null, "namespaces", s[1], null),
                3 when s[2] is "status" or "finalize" => new RestPath(null, "namespaces", s[1], s[2]),
                3 => new RestPath(s[1], s[2], null, null),
                4 => new RestPath(s[1], s[2], s[3], null),
                5 => new RestPath(s[1], s[2], s[3], s[4]),
                _ => null,
            };
        }

        return s.Length switch
        {
            1 => new RestPath(null, s[0], null, null),
            2 => new RestPath(null, s[0], s[1], null),
            3 => new RestPath(null, s[0], s[1], s[2]),
            _ => null,
        };
    }
}
