using System.Text;

namespace LocalKube.Node.ApiServer.Tests.Fuzz;

/// <summary>One generated HTTP request, and which stored object it may change.</summary>
/// <param name="Resource">The resource it addresses.</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">Path and query.</param>
/// <param name="ContentType">The Content-Type header, or null for none.</param>
/// <param name="Headers">Other headers.</param>
/// <param name="Body">The body, or null for none.</param>
/// <param name="Item">The name of the object the request targets (the existing target, or the name a create uses).</param>
/// <param name="Mutation">What was done to the seed, for the report.</param>
internal sealed record FuzzRequest(
    FuzzResource Resource, string Method, string Path, string? ContentType, IReadOnlyList<(string Name, string Value)> Headers,
    byte[]? Body, string? Item, string Mutation)
{
    public bool IsWatch => Path.Contains("watch=true", StringComparison.Ordinal) || Path.Contains("watch=1", StringComparison.Ordinal);

    public long Size => (Body?.Length ?? 0) + Path.Length + Headers.Sum(h => h.Value.Length);

    public override string ToString()
    {
        var body = Body is null ? "(none)" : Printable(Body);
        var headers = string.Join("; ", Headers.Select(h => $"{h.Name}: {Cut(h.Value, 200)}"));
        return $"{Method} {Cut(Path, 2000)} [{Mutation}] Content-Type: {ContentType ?? "(none)"}; {headers}\nbody ({Body?.Length ?? 0} bytes, base64 {Cut(Convert.ToBase64String(Body ?? []), 4000)}):\n{body}";
    }

    private static string Printable(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 4000));
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            sb.Append(char.IsControl(c) && c != '\n' ? $"\\u{(int)c:x4}" : c.ToString());
        }

        return sb.ToString();
    }

    private static string Cut(string s, int max) => s.Length <= max ? s : $"{s[..max]}…({s.Length} chars)";
}
