using System.Text;
using System.Text.Json;

namespace LocalKube.Node.ApiServer.Rest;

/// <summary>
/// The opaque <c>continue</c> token of a paged list, shaped as upstream's: base64 of
/// <c>{"v":"meta.k8s.io/v1","rv":N,"start":"&lt;key after the prefix&gt;"}</c>. Later pages read at revision N, so a
/// paged list is one consistent snapshot until compaction passes N (then 410 Expired).
/// </summary>
public static class ContinueToken
{
    /// <summary>Encodes a token.</summary>
    public static string Encode(long revision, string start)
    {
        var json = JsonSerializer.Serialize(new Dictionary<string, object> { ["v"] = "meta.k8s.io/v1", ["rv"] = revision, ["start"] = start });
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>Decodes a token.</summary>
    /// <exception cref="StatusException">400 for a token that is not one of ours.</exception>
    public static (long Revision, string Start) Decode(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        try
        {
            var b64 = token.Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '=');
            using var doc = JsonDocument.Parse(Convert.FromBase64String(b64));
            var root = doc.RootElement;
            var revision = root.GetProperty("rv").GetInt64();
            var start = root.GetProperty("start").GetString() ?? "";
            if (root.GetProperty("v").GetString() != "meta.k8s.io/v1" || revision <= 0 || start.Contains("..", StringComparison.Ordinal))
            {
                throw new FormatException("bad token");
            }

            return (revision, start);
        }
        catch (Exception e) when (e is FormatException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw StatusException.BadRequest($"continue key is not valid: {e.Message}");
        }
    }
}
