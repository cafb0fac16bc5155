using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using LocalKube.Dashboard.Upstream;
using Microsoft.AspNetCore.Http;

namespace LocalKube.Dashboard.Endpoints;

/// <summary>
/// <c>POST /api/can-i</c>: asks the API server, with SelfSubjectAccessReviews as <c>kubectl auth can-i</c> does, which
/// actions the profile's user may take, so the page disables the rest with the reason. Answers are kept 30 s.
/// </summary>
public sealed class AccessReviews(KubeApi api, TimeProvider time)
{
    private static readonly TimeSpan Keep = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<AccessCheck, (AccessAnswer Answer, DateTimeOffset At)> _cache = new();

    public async Task HandleAsync(HttpContext context)
    {
        var checks = await JsonBody.ReadAsync(context, DashboardJsonContext.Default.ListAccessCheck);
        if (checks is null)
        {
            return;
        }

        if (checks.Count > 100 || checks.Any(c => c is null || string.IsNullOrEmpty(c.Verb) || string.IsNullOrEmpty(c.Resource)))
        {
            await ApiProxy.WriteStatusAsync(context.Response, System.Net.HttpStatusCode.BadRequest, "BadRequest",
                "at most 100 checks, each with a verb and a resource", context.RequestAborted);
            return;
        }

        var answers = await Task.WhenAll(checks.Select(c => AskAsync(c, context.RequestAborted)));
        await context.Response.WriteAsJsonAsync(answers.ToList(), DashboardJsonContext.Default.ListAccessAnswer, cancellationToken: context.RequestAborted);
    }

    public async Task<AccessAnswer> AskAsync(AccessCheck check, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(check, out var cached) && now - cached.At < Keep)
        {
            return cached.Answer;
        }

        // Written and read with System.Text.Json: the dashboard asks this on every page, and KubernetesClient's
        // serializer would keep its ~10 MB of model code resident for it.
        var attributes = new JsonObject { ["verb"] = check.Verb, ["group"] = check.Group ?? "", ["resource"] = check.Resource };
        if (!string.IsNullOrEmpty(check.Subresource))
        {
            attributes["subresource"] = check.Subresource;
        }

        if (!string.IsNullOrEmpty(check.Namespace))
        {
            attributes["namespace"] = check.Namespace;
        }

        if (!string.IsNullOrEmpty(check.Name))
        {
            attributes["name"] = check.Name;
        }

        var review = new JsonObject
        {
            ["apiVersion"] = "authorization.k8s.io/v1",
            ["kind"] = "SelfSubjectAccessReview",
            ["spec"] = new JsonObject { ["resourceAttributes"] = attributes },
        };
        AccessAnswer answer;
        try
        {
            using var content = new StringContent(review.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
            using var response = await api.Http.PostAsync(new Uri("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", UriKind.Relative), content, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                // Unknown: let the action through and let the API server decide (and explain) when it is taken.
                return new AccessAnswer(true, null);
            }

            using var result = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            if (!result.RootElement.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.Object)
            {
                // Not a review: a server without the API. Unknown, so allowed (the API decides when it is used).
                return new AccessAnswer(true, null);
            }

            answer = status.TryGetProperty("allowed", out var allowed) && allowed.ValueKind == JsonValueKind.True
                ? new AccessAnswer(true, null)
                : new AccessAnswer(false, Describe(check, Text(status, "reason"), Text(status, "evaluationError")));
        }
        catch (Exception e) when (e is HttpRequestException or JsonException)
        {
            return new AccessAnswer(true, null);
        }

        _cache[check] = (answer, now);
        return answer;
    }

    private static string Describe(AccessCheck check, string? reason, string? error)
    {
        var what = check.Resource + (string.IsNullOrEmpty(check.Subresource) ? "" : "/" + check.Subresource);
        var where = string.IsNullOrEmpty(check.Namespace) ? "at cluster scope" : $"in namespace {check.Namespace}";
        var why = reason is { Length: > 0 } ? $" ({reason})" : error is { Length: > 0 } ? $" ({error})" : "";
        return $"Your user may not {check.Verb} {what} {where}{why}.";
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
