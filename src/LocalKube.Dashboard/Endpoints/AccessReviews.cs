using System.Collections.Concurrent;
using System.Net.Http.Json;
using k8s;
using k8s.Models;
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
        var checks = await context.Request.ReadFromJsonAsync(DashboardJsonContext.Default.ListAccessCheck, context.RequestAborted);
        if (checks is null || checks.Count > 100)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
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

        var review = new V1SelfSubjectAccessReview
        {
            ApiVersion = "authorization.k8s.io/v1",
            Kind = "SelfSubjectAccessReview",
            Spec = new V1SelfSubjectAccessReviewSpec
            {
                ResourceAttributes = new V1ResourceAttributes
                {
                    Verb = check.Verb,
                    Group = check.Group ?? "",
                    Resource = check.Resource,
                    Subresource = check.Subresource,
                    NamespaceProperty = check.Namespace,
                    Name = check.Name,
                },
            },
        };
        AccessAnswer answer;
        try
        {
            using var content = new StringContent(KubernetesJson.Serialize(review), System.Text.Encoding.UTF8, "application/json");
            using var response = await api.Http.PostAsync(new Uri("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", UriKind.Relative), content, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                // Unknown: let the action through and let the API server decide (and explain) when it is taken.
                return new AccessAnswer(true, null);
            }

            var status = KubernetesJson.Deserialize<V1SelfSubjectAccessReview>(body).Status;
            if (status is null)
            {
                // Not a review: a server without the API. Unknown, so allowed (the API decides when it is used).
                return new AccessAnswer(true, null);
            }

            answer = status.Allowed
                ? new AccessAnswer(true, null)
                : new AccessAnswer(false, Describe(check, status));
        }
        catch (HttpRequestException)
        {
            return new AccessAnswer(true, null);
        }

        _cache[check] = (answer, now);
        return answer;
    }

    private static string Describe(AccessCheck check, V1SubjectAccessReviewStatus? status)
    {
        var what = check.Resource + (string.IsNullOrEmpty(check.Subresource) ? "" : "/" + check.Subresource);
        var where = string.IsNullOrEmpty(check.Namespace) ? "at cluster scope" : $"in namespace {check.Namespace}";
        var why = status?.Reason is { Length: > 0 } reason ? $" ({reason})" : status?.EvaluationError is { Length: > 0 } error ? $" ({error})" : "";
        return $"Your user may not {check.Verb} {what} {where}{why}.";
    }
}
