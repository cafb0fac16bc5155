using System.Globalization;
using System.Text;
using LocalKube.Node.Kubelet.Runtime;
using Microsoft.AspNetCore.Http;

namespace LocalKube.Node.Kubelet.Server;

/// <summary>
/// <c>GET /containerLogs/{ns}/{pod}/{container}</c>: the container's log with kubectl's options (follow, previous,
/// timestamps, sinceSeconds, sinceTime, tailLines, limitBytes). Following streams each line as it is written and ends
/// when the container stops or the client leaves. Errors are plain text, as the kubelet's (the API server turns
/// them into a Status).
/// </summary>
internal static class ContainerLogsHandler
{
    public static async Task HandleAsync(HttpContext context, IKubeletPodSource source, string ns, string name, string container)
    {
        var ct = context.RequestAborted;
        var query = context.Request.Query;
        var pod = KubeletPodLookup.Find(source, ns, name);
        if (pod is null)
        {
            await KubeletResponses.TextAsync(context, 404, $"pod \"{name}\" does not exist", ct).ConfigureAwait(false);
            return;
        }

        if (!KubeletPodLookup.HasContainer(pod, container))
        {
            await KubeletResponses.TextAsync(context, 404, $"container \"{container}\" not found in pod \"{name}\"", ct).ConfigureAwait(false);
            return;
        }

        if (!TryParse(query, out var options, out var limitBytes, out var timestamps, out var problem))
        {
            await KubeletResponses.TextAsync(context, 400, problem!, ct).ConfigureAwait(false);
            return;
        }

        var previous = Flag(query, "previous");
        var id = ContainerLogSelector.Select(KubeletPodLookup.Status(source, pod), name, container, previous, out var error);
        if (id is null)
        {
            await KubeletResponses.TextAsync(context, 400, error ?? $"container \"{container}\" in pod \"{name}\" is not available", ct).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/plain";
        var follow = options.Follow && !previous;
        if (follow)
        {
            // Send the headers now: a follower must see the stream open before the first line is written.
            await context.Response.StartAsync(ct).ConfigureAwait(false);
        }

        var written = 0L;
        try
        {
            await foreach (var record in source.Runtime.ReadLogsAsync(id, options with { Follow = follow }, ct).ConfigureAwait(false))
            {
                var line = timestamps
                    ? Concat(Encoding.ASCII.GetBytes(LogTimestamp.Format(record) + " "), record.Line.Span)
                    : record.Line;
                if (limitBytes is { } limit && written + line.Length >= limit)
                {
                    await context.Response.Body.WriteAsync(line[..(int)(limit - written)], ct).ConfigureAwait(false);
                    break;
                }

                await context.Response.Body.WriteAsync(line, ct).ConfigureAwait(false);
                written += line.Length;
                if (follow)
                {
                    await context.Response.Body.FlushAsync(ct).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The client went away.
        }
        catch (RuntimeObjectNotFoundException) when (!context.Response.HasStarted)
        {
            await KubeletResponses.TextAsync(context, 400, $"container \"{container}\" in pod \"{name}\" is not available", ct).ConfigureAwait(false);
        }
    }

    private static ReadOnlyMemory<byte> Concat(byte[] prefix, ReadOnlySpan<byte> line)
    {
        var all = new byte[prefix.Length + line.Length];
        prefix.CopyTo(all, 0);
        line.CopyTo(all.AsSpan(prefix.Length));
        return all;
    }

    private static bool TryParse(IQueryCollection query, out LogOptions options, out long? limitBytes, out bool timestamps, out string? problem)
    {
        options = new LogOptions(Follow: Flag(query, "follow"));
        limitBytes = null;
        timestamps = Flag(query, "timestamps");
        problem = null;
        DateTimeOffset? since = null;
        if (query["sinceSeconds"].ToString() is { Length: > 0 } seconds)
        {
            if (!long.TryParse(seconds, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) || s < 1)
            {
                problem = "sinceSeconds: Invalid value: must be greater than 0";
                return false;
            }

            since = DateTimeOffset.UtcNow.AddSeconds(-s);
        }

        if (query["sinceTime"].ToString() is { Length: > 0 } sinceTime)
        {
            if (!DateTimeOffset.TryParse(sinceTime, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
            {
                problem = $"sinceTime: Invalid value: \"{sinceTime}\": must be RFC 3339";
                return false;
            }

            // Both given: the later one wins (upstream).
            since = since is { } other && other > t ? other : t;
        }

        int? tail = null;
        if (query["tailLines"].ToString() is { Length: > 0 } tailText)
        {
            if (!int.TryParse(tailText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
            {
                problem = $"tailLines: Invalid value: \"{tailText}\"";
                return false;
            }

            tail = n < 0 ? null : n;
        }

        if (query["limitBytes"].ToString() is { Length: > 0 } limitText)
        {
            if (!long.TryParse(limitText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) || l < 1)
            {
                problem = "limitBytes: Invalid value: must be greater than 0";
                return false;
            }

            limitBytes = l;
        }

        options = options with { Since = since, TailLines = tail };
        return true;
    }

    private static bool Flag(IQueryCollection query, string name) => query[name].ToString() is "true" or "1" or "True";
}
