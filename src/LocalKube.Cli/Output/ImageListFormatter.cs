using System.Globalization;
using System.Text;
using System.Text.Json;
using LocalKube.Abstractions.Errors;
using LocalKube.Core.Images;

namespace LocalKube.Cli.Output;

/// <summary><c>image ls --format short|table|json|yaml</c>, shaped as minikube prints them.</summary>
public static class ImageListFormatter
{
    /// <summary>The formats <c>--format</c> accepts.</summary>
    public static readonly IReadOnlyList<string> Formats = ["short", "table", "json", "yaml"];

    public static string Render(IReadOnlyList<NodeImageInfo> images, string format) => format.ToLowerInvariant() switch
    {
        "short" => Short(images),
        "table" => Table(images),
        "json" => Json(images),
        "yaml" => Yaml(images),
        _ => throw new LocalKubeException(Reasons.Usage, $"Invalid value '{format}' for --format: use {string.Join(", ", Formats)}."),
    };

    private static string Short(IReadOnlyList<NodeImageInfo> images)
    {
        var text = new StringBuilder();
        foreach (var tag in images.SelectMany(i => i.RepoTags))
        {
            text.Append(tag).Append('\n');
        }

        return text.ToString();
    }

    private static string Table(IReadOnlyList<NodeImageInfo> images)
    {
        var rows = new List<string[]>();
        foreach (var image in images)
        {
            var id = TruncatedId(image.Id);
            var size = HumanSize(image.Size);
            if (image.RepoTags.Count == 0)
            {
                rows.Add(["<none>", "<none>", id, size]);
            }

            foreach (var repoTag in image.RepoTags)
            {
                var (repository, tag) = SplitTag(repoTag);
                rows.Add([repository, tag, id, size]);
            }
        }

        string[] header = ["Image", "Tag", "Image ID", "Size"];
        var widths = header.Select((h, c) => rows.Select(r => r[c].Length).Append(h.Length).Max() + 2).ToArray();
        var rule = "|" + string.Join("|", widths.Select(w => new string('-', w))) + "|\n";
        var text = new StringBuilder(rule);
        text.Append('|').Append(string.Join("|", header.Select((h, c) => Center(h, widths[c])))).Append("|\n").Append(rule);
        foreach (var row in rows)
        {
            text.Append('|').Append(string.Join("|", row.Select((v, c) => " " + v.PadRight(widths[c] - 1)))).Append("|\n");
        }

        return text.Append(rule).ToString();
    }

    private static string Json(IReadOnlyList<NodeImageInfo> images)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var image in images)
            {
                json.WriteStartObject();
                json.WriteString("id", image.Id);
                WriteArray(json, "repoDigests", image.RepoDigests);
                WriteArray(json, "repoTags", image.RepoTags);
                json.WriteString("size", image.Size.ToString(CultureInfo.InvariantCulture));
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static string Yaml(IReadOnlyList<NodeImageInfo> images)
    {
        if (images.Count == 0)
        {
            return "[]\n";
        }

        var text = new StringBuilder();
        foreach (var image in images)
        {
            text.Append("- id: ").Append(image.Id).Append('\n');
            YamlList(text, "repoDigests", image.RepoDigests);
            YamlList(text, "repoTags", image.RepoTags);
            text.Append("  size: \"").Append(image.Size.ToString(CultureInfo.InvariantCulture)).Append("\"\n");
        }

        return text.ToString();
    }

    private static void YamlList(StringBuilder text, string name, IReadOnlyList<string> values)
    {
        text.Append("  ").Append(name).Append(':');
        if (values.Count == 0)
        {
            text.Append(" []\n");
            return;
        }

        text.Append('\n');
        foreach (var value in values)
        {
            text.Append("  - ").Append(value).Append('\n');
        }
    }

    private static void WriteArray(Utf8JsonWriter json, string name, IReadOnlyList<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }

    /// <summary>Splits at the tag's colon (after the last '/', so a registry port is not taken for a tag).</summary>
    internal static (string Repository, string Tag) SplitTag(string repoTag)
    {
        var colon = repoTag.LastIndexOf(':');
        return colon > repoTag.LastIndexOf('/') ? (repoTag[..colon], repoTag[(colon + 1)..]) : (repoTag, "latest");
    }

    /// <summary>The first 13 hex digits of the ID, as minikube's table shows it.</summary>
    internal static string TruncatedId(string id)
    {
        var hex = id.StartsWith("sha256:", StringComparison.Ordinal) ? id[7..] : id;
        return hex.Length > 13 ? hex[..13] : hex;
    }

    /// <summary>Docker's human size: decimal units, four significant digits (<c>744kB</c>, <c>142.1MB</c>).</summary>
    internal static string HumanSize(long bytes)
    {
        string[] units = ["B", "kB", "MB", "GB", "TB", "PB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1000 && unit < units.Length - 1)
        {
            value /= 1000;
            unit++;
        }

        return value.ToString("G4", CultureInfo.InvariantCulture) + units[unit];
    }

    private static string Center(string text, int width)
    {
        var left = (width - text.Length) / 2;
        return new string(' ', left) + text + new string(' ', width - text.Length - left);
    }
}
