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
        // Upstream's order: the query is decoded (400) and validated (422) before the pod and container are looked up.
        var parsed = LogQuery.Parse(query);
        if (parsed.Error is { } error)
        {
            await KubeletResponses.TextAsync(context, parsed.Status, error, ct).ConfigureAwait(false);
            return;
        }

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

        var (options, limitBytes, timestamps, previous) = (parsed.Options, parsed.LimitBytes, parsed.Timestamps, parsed.Previous);
        var id = ContainerLogSelector.Select(KubeletPodLookup.Status(source, pod), name, container, previous, out var unavailable);
        if (id is null)
        {
            await KubeletResponses.TextAsync(context, 400, unavailable ?? $"container \"{container}\" in pod \"{name}\" is not available", ct).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/plain";
        var follow = options.Follow && !previous;
        if (follow)
        {
            // Send the headers now: a follower must see the stream open before the first line is written. StartAsync
            // only makes the headers final; the flush puts them on the wire (a quiet container writes nothing else).
            await context.Response.StartAsync(ct).ConfigureAwait(false);
            await context.Response.Body.FlushAsync(ct).ConfigureAwait(false);
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
}
