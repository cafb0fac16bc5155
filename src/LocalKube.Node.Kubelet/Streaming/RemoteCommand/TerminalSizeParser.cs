using System.Text.Json;
using LocalKube.Node.Kubelet.Runtime;

namespace LocalKube.Node.Kubelet.Streaming.RemoteCommand;

/// <summary>
/// Reads the resize channel: a sequence of JSON objects <c>{"Width":80,"Height":24}</c> (Go's field names, no tags),
/// split across messages or frames anywhere.
/// </summary>
internal sealed class TerminalSizeParser
{
    private readonly List<byte> _pending = [];

    /// <summary>Adds bytes and returns every complete size they finish.</summary>
    public List<TerminalSize> Add(ReadOnlySpan<byte> data)
    {
        var sizes = new List<TerminalSize>();
        foreach (var b in data)
        {
            if (_pending.Count == 0 && b != (byte)'{')
            {
                continue;
            }

            _pending.Add(b);
            if (b != (byte)'}')
            {
                continue;
            }

            try
            {
                using var json = JsonDocument.Parse(_pending.ToArray());
                int width = 0, height = 0;
                foreach (var property in json.RootElement.EnumerateObject())
                {
                    if (property.Name.Equals("width", StringComparison.OrdinalIgnoreCase) && property.Value.TryGetInt32(out var w))
                    {
                        width = w;
                    }
                    else if (property.Name.Equals("height", StringComparison.OrdinalIgnoreCase) && property.Value.TryGetInt32(out var h))
                    {
                        height = h;
                    }
                }

                if (width > 0 && height > 0)
                {
                    sizes.Add(new TerminalSize(width, height));
                }
            }
            catch (JsonException)
            {
                // Not a size: skip it.
            }

            _pending.Clear();
        }

        return sizes;
    }
}
