namespace LocalKube.Node.ApiServer.Proxy;

/// <summary>
/// A proxy target's name as the URL carries it: <c>name</c>, <c>name:port</c> or <c>scheme:name:port</c>
/// (upstream's <c>SplitSchemeNamePort</c>); the scheme is <c>http</c> or <c>https</c>.
/// </summary>
/// <param name="Scheme">The scheme, empty when not given.</param>
/// <param name="Name">The object's name.</param>
/// <param name="Port">The port (a name or a number), empty when not given.</param>
internal sealed record SchemeNamePort(string Scheme, string Name, string Port)
{
    /// <summary>Splits <paramref name="id"/>; null when it is malformed.</summary>
    public static SchemeNamePort? Parse(string id)
    {
        var parts = id.Split(':');
        var (scheme, name, port) = parts.Length switch
        {
            1 => ("", parts[0], ""),
            2 => ("", parts[0], parts[1]),
            3 => (parts[0], parts[1], parts[2]),
            _ => ("", "", ""),
        };
        if (name.Length == 0 || scheme is not ("" or "http" or "https"))
        {
            return null;
        }

        return new SchemeNamePort(scheme, name, port);
    }
}
