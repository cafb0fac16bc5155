using k8s;
using k8s.Models;
using LocalKube.Node.ApiServer.Admission;
using LocalKube.Node.ApiServer.Authentication;
using LocalKube.Node.ApiServer.Catalog;
using LocalKube.Node.ApiServer.Catalog.Authentication;
using LocalKube.Node.ApiServer.Http;
using LocalKube.Node.ApiServer.Protobuf;
using LocalKube.Node.ApiServer.Rest;
using LocalKube.Node.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LocalKube.Node.ApiServer.Authorization;

/// <summary>
/// Puts the authorizer into the API server's container (for <see cref="AuthorizationMiddleware"/>) and serves the
/// endpoints that answer from identity and policy rather than storage: SelfSubjectAccessReview and
/// SelfSubjectRulesReview (<c>kubectl auth can-i [--list]</c>), SelfSubjectReview (<c>auth whoami</c>) and a
/// service account's TokenRequest (<c>kubectl create token</c>). JSON or protobuf bodies; JSON answers.
/// </summary>
public sealed class AuthorizationModule(RbacAuthorizer authorizer, ResourceStore store, TimeProvider time, NodeSettings settings) : IApiServerModule
{
    /// <summary>Token lifetime when the request names none (upstream's default).</summary>
    public const long DefaultExpirationSeconds = 3600;

    // Upstream's validation bounds of spec.expirationSeconds.
    private const long MinExpirationSeconds = 600;
    private const long MaxExpirationSecondsAllowed = 1L << 32;

    private readonly ServiceAccountTokenRevocation _revocation = new(store, time);

    /// <inheritdoc />
    public void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton(authorizer);

        // Bearer tokens are checked against storage too (BearerTokenAuthenticator takes it when present).
        services.AddSingleton(_revocation);
    }

    /// <inheritdoc />
    public void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapPost("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", context => Handle(context, AccessReviewAsync));
        endpoints.MapPost("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", context => Handle(context, RulesReviewAsync));
        endpoints.MapPost("/apis/authorization.k8s.io/v1/subjectaccessreviews", context => Handle(context, SubjectAccessReviewAsync));
        endpoints.MapPost("/apis/authentication.k8s.io/v1/selfsubjectreviews", context => Handle(context, SelfReviewAsync));
        endpoints.MapPost("/apis/authentication.k8s.io/v1/tokenreviews", context => Handle(context, TokenReviewAsync));
        endpoints.MapPost("/api/v1/namespaces/{namespace}/serviceaccounts/{name}/token", context => Handle(context, TokenAsync));
    }

    private static async Task Handle(HttpContext context, Func<HttpContext, KubeUser, CancellationToken, Task<object>> answer)
    {
        var ct = context.RequestAborted;
        try
        {
            var user = context.GetKubeUser() ?? throw new StatusException(401, "Unauthorized", "Unauthorized");
            var result = await answer(context, user, ct);
            var json = System.Text.Encoding.UTF8.GetBytes(KubernetesJson.Serialize(result));

            // client-go's typed clients accept protobuf first (kubectl create token, auth can-i); answer in kind.
            if (result is IKubernetesObject typed && OutputFormat.Negotiate(context.Request.Headers.Accept, KubeSchema.ForKind(typed.ApiVersion, typed.Kind) is not null).Protobuf)
            {
                await ResponseWriter.SendAsync(context, 201, KubeProtobuf.MediaType, ProtobufResponses.Object(typed.ApiVersion, typed.Kind, json), ct);
                return;
            }

            await ResponseWriter.SendAsync(context, 201, "application/json", json, ct);
        }
        catch (StatusException e) when (!context.Response.HasStarted)
        {
            await ResponseWriter.SendAsync(context, e.Code, ApiStatus.ContentType, e.Render(), ct);
        }
    }

    private static async Task<T> ReadAsync<T>(HttpContext context, CancellationToken ct)
        where T : class
    {
        // JSON or Kubernetes protobuf (kubectl's typed clients), through the same seam as every object body.
        var body = await RequestBody.ReadAsync(context.Request, ct);
        var json = ObjectBody.Parse(RequestBody.MediaType(context.Request), context.Request.ContentType, body);
        try
        {
            return KubernetesJson.Deserialize<T>(json.ToJsonString()) ?? throw StatusException.BadRequest("empty body");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw StatusException.BadRequest("the body of the request was in an unknown format: " + e.Message);
        }
    }

    private void Validate(string group, string kind, IKubernetesObject<V1ObjectMeta> obj)
    {
        obj.Metadata ??= new V1ObjectMeta();
        if (store.Resources.FindKind(group, kind) is { } resource && resource.Strategy.ValidateCreate(obj) is { Count: > 0 } causes)
        {
            throw StatusException.Invalid(group, kind, obj.Metadata.Name ?? "", causes);
        }
    }

    private async Task<object> AccessReviewAsync(HttpContext context, KubeUser user, CancellationToken ct)
    {
        var review = await ReadAsync<V1SelfSubjectAccessReview>(context, ct);
        Validate("authorization.k8s.io", "SelfSubjectAccessReview", review);
        var spec = review.Spec;
        var attributes = spec.ResourceAttributes is { } r
            ? RequestAttributes.ForResource(user, r.Verb ?? "", r.Group ?? "", r.Resource ?? "", r.NamespaceProperty ?? "", r.Name ?? "", r.Subresource ?? "", r.Version ?? "")
            : RequestAttributes.ForPath(user, spec.NonResourceAttributes!.Verb ?? "", spec.NonResourceAttributes.Path ?? "");
        var decision = authorizer.Authorize(attributes);
        return new V1SelfSubjectAccessReview
        {
            ApiVersion = "authorization.k8s.io/v1",
            Kind = "SelfSubjectAccessReview",
            Metadata = review.Metadata,
            Spec = spec,
            Status = new V1SubjectAccessReviewStatus { Allowed = decision.Allowed, Reason = decision.Reason.Length == 0 ? null : decision.Reason },
        };
    }

    // Any subject (the kubelet's webhook authorizer asks about its callers): the spec names the user, not the caller.
    private async Task<object> SubjectAccessReviewAsync(HttpContext context, KubeUser caller, CancellationToken ct)
    {
        var review = await ReadAsync<V1SubjectAccessReview>(context, ct);
        var spec = review.Spec ?? throw StatusException.BadRequest("spec is required");
        if (spec.ResourceAttributes is null && spec.NonResourceAttributes is null)
        {
            throw StatusException.Invalid("authorization.k8s.io", "SubjectAccessReview", review.Metadata?.Name ?? "",
                [new V1StatusCause { Reason = "FieldValueRequired", Field = "spec.resourceAttributes", Message = "Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified" }]);
        }

        if (string.IsNullOrEmpty(spec.User) && spec.Groups is not { Count: > 0 })
        {
            throw StatusException.Invalid("authorization.k8s.io", "SubjectAccessReview", review.Metadata?.Name ?? "",
                [new V1StatusCause { Reason = "FieldValueRequired", Field = "spec.user", Message = "Required value: at least one of user or group must be specified" }]);
        }

        var extra = spec.Extra?.ToDictionary(e => e.Key, e => (IReadOnlyList<string>)[.. e.Value]);
        var subject = new KubeUser(spec.User ?? "", [.. spec.Groups ?? []], spec.Uid, extra);
        var attributes = spec.ResourceAttributes is { } r
            ? RequestAttributes.ForResource(subject, r.Verb ?? "", r.Group ?? "", r.Resource ?? "", r.NamespaceProperty ?? "", r.Name ?? "", r.Subresource ?? "", r.Version ?? "")
            : RequestAttributes.ForPath(subject, spec.NonResourceAttributes!.Verb ?? "", spec.NonResourceAttributes.Path ?? "");
        var decision = authorizer.Authorize(attributes);
        return new V1SubjectAccessReview
        {
            ApiVersion = "authorization.k8s.io/v1",
            Kind = "SubjectAccessReview",
            Metadata = review.Metadata ?? new V1ObjectMeta(),
            Spec = spec,
            Status = new V1SubjectAccessReviewStatus { Allowed = decision.Allowed, Reason = decision.Reason.Length == 0 ? null : decision.Reason },
        };
    }

    private async Task<object> RulesReviewAsync(HttpContext context, KubeUser user, CancellationToken ct)
    {
        var review = await ReadAsync<V1SelfSubjectRulesReview>(context, ct);
        var ns = review.Spec?.NamespaceProperty ?? "";
        if (ns.Length == 0)
        {
            throw StatusException.Invalid("authorization.k8s.io", "SelfSubjectRulesReview", review.Metadata?.Name ?? "",
                [new V1StatusCause { Reason = "FieldValueRequired", Field = "spec.namespace", Message = "Required value: no namespace on request" }]);
        }

        var errors = new List<string>();
        if (authorizer.RulesIncompleteReason(user) is { } incomplete)
        {
            errors.Add(incomplete);
        }

        var rules = authorizer.Policy.RulesFor(user, ns, errors);
        return new V1SelfSubjectRulesReview
        {
            ApiVersion = "authorization.k8s.io/v1",
            Kind = "SelfSubjectRulesReview",
            Metadata = review.Metadata ?? new V1ObjectMeta(),
            Spec = review.Spec,
            Status = new V1SubjectRulesReviewStatus
            {
                ResourceRules = rules.Where(x => x.NonResourceURLs is not { Count: > 0 })
                    .Select(x => new V1ResourceRule { Verbs = x.Verbs, ApiGroups = x.ApiGroups, Resources = x.Resources, ResourceNames = x.ResourceNames }).ToList(),
                NonResourceRules = rules.Where(x => x.NonResourceURLs is { Count: > 0 })
                    .Select(x => new V1NonResourceRule { Verbs = x.Verbs, NonResourceURLs = x.NonResourceURLs }).ToList(),
                Incomplete = errors.Count > 0,
                EvaluationError = errors.Count > 0 ? RbacPolicy.Aggregate(errors) : null,
            },
        };
    }

    private static async Task<object> SelfReviewAsync(HttpContext context, KubeUser user, CancellationToken ct)
    {
        // The spec is empty: only metadata could be sent, and nothing of it is used.
        _ = await RequestBody.ReadAsync(context.Request, ct);
        return SelfSubjectReviewStrategy.Respond(new V1SelfSubjectReview(), user);
    }

    // TokenReview (webhook token authenticators, auth proxies): the given token is checked as a request's bearer
    // token would be, and the answer says who it authenticates as. Never stored.
    private async Task<object> TokenReviewAsync(HttpContext context, KubeUser user, CancellationToken ct)
    {
        var review = await ReadAsync<V1TokenReview>(context, ct);
        Validate("authentication.k8s.io", "TokenReview", review);
        var validator = context.RequestServices.GetService<ServiceAccountTokenValidator>();
        if (validator is not null && validator.TryValidate(review.Spec.Token, out var reviewed, out var claims, out _) && reviewed is not null)
        {
            return await _revocation.CheckAsync(claims!, ct) is { } revoked
                ? TokenReviewStrategy.Respond(review, null, $"[invalid bearer token, {revoked}]")
                : TokenReviewStrategy.Respond(review, reviewed);
        }

        // Upstream's union authenticator answers every failure with this one error, so nothing leaks about why.
        return TokenReviewStrategy.Respond(review, null, "[invalid bearer token, service account token could not be validated]");
    }

    private async Task<object> TokenAsync(HttpContext context, KubeUser user, CancellationToken ct)
    {
        var ns = (string)context.Request.RouteValues["namespace"]!;
        var name = (string)context.Request.RouteValues["name"]!;
        var request = await ReadAsync<Authenticationv1TokenRequest>(context, ct);
        var issuer = context.RequestServices.GetService<ServiceAccountTokenIssuer>()
            ?? throw StatusException.NotFound("", "serviceaccounts/token", name);
        var accounts = store.Resources.FindKind("", "ServiceAccount") ?? throw StatusException.NotFound("", "serviceaccounts", name);
        var account = await store.TryGetAsync(accounts, ns, name, ct) ?? throw StatusException.NotFound("", "serviceaccounts", name);
        var spec = request.Spec ??= new V1TokenRequestSpec();
        if (NodeRestrictionAdmission.NodeOf(user) is { } node)
        {
            await NodeRestrictionAdmission.CheckTokenRequestAsync(node, name, spec.BoundObjectRef,
                pod => store.Resources.FindKind("", "Pod") is { } pods ? store.TryGetAsync(pods, ns, pod, ct) : Task.FromResult<StoredObject?>(null));
        }

        var seconds = spec.ExpirationSeconds ?? DefaultExpirationSeconds;
        if (seconds < MinExpirationSeconds)
        {
            throw StatusException.Invalid("authentication.k8s.io", "TokenRequest", name,
                [new V1StatusCause { Reason = "FieldValueInvalid", Field = "spec.expirationSeconds", Message = "Invalid value: " + seconds + ": may not specify a duration less than 10 minutes" }]);
        }

        if (seconds > MaxExpirationSecondsAllowed)
        {
            throw StatusException.Invalid("authentication.k8s.io", "TokenRequest", name,
                [new V1StatusCause { Reason = "FieldValueInvalid", Field = "spec.expirationSeconds", Message = "Invalid value: " + seconds + ": may not specify a duration larger than 2^32 seconds" }]);
        }

        // Upstream's --service-account-max-token-expiration: a longer request is shortened, not refused.
        if (MaxTokenExpiration() is { TotalSeconds: > 0 } max)
        {
            seconds = Math.Min(seconds, (long)max.TotalSeconds);
        }

        var audiences = spec.Audiences is { Count: > 0 } a ? a.ToList() : [ServiceAccountTokens.DefaultIssuer];
        var bound = spec.BoundObjectRef is { } reference ? await BindAsync(ns, name, reference, ct) : null;
        var lifetime = TimeSpan.FromSeconds(seconds);
        var token = issuer.Issue(new ServiceAccountTokenRequest(ns, name, account.Object.Metadata.Uid ?? "", audiences, lifetime) { BoundObject = bound });
        spec.Audiences = audiences;
        spec.ExpirationSeconds = seconds;
        return new Authenticationv1TokenRequest
        {
            ApiVersion = "authentication.k8s.io/v1",
            Kind = "TokenRequest",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, CreationTimestamp = time.GetUtcNow().UtcDateTime },
            Spec = spec,
            Status = new V1TokenRequestStatus { Token = token, ExpirationTimestamp = time.GetUtcNow().UtcDateTime.Add(lifetime) },
        };
    }

    /// <summary><c>--extra-config apiserver.service-account-max-token-expiration</c> (a Go duration, 0 for none), 48 h by default.</summary>
    private TimeSpan MaxTokenExpiration() =>
        settings.GetDuration(NodeComponent.ApiServer, ApiServerSettings.ServiceAccountMaxTokenExpiration) ?? ApiServerSettings.DefaultServiceAccountMaxTokenExpiration;

    // Upstream's TokenRequest binding: the object must exist (a pod must run as this service account), and a uid in
    // the reference must be the object's; the token carries the object's actual uid.
    private async Task<ServiceAccountTokenBinding> BindAsync(string ns, string account, V1BoundObjectReference reference, CancellationToken ct)
    {
        var kind = reference.Kind ?? "";
        var apiVersion = reference.ApiVersion ?? "";
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        var (group, version) = slash < 0 ? ("", apiVersion) : (apiVersion[..slash], apiVersion[(slash + 1)..]);
        if (group.Length > 0 || kind is not ("Pod" or "Secret" or "Node"))
        {
            throw StatusException.BadRequest($"cannot bind token to object of type {group}/{version}, Kind={kind}");
        }

        var resource = store.Resources.FindKind("", kind) ?? throw StatusException.BadRequest($"cannot bind token to object of type {group}/{version}, Kind={kind}");
        var target = await store.GetAsync(resource, kind == "Node" ? null : ns, reference.Name ?? "", ct);
        if (target.Object is V1Pod pod && pod.Spec?.ServiceAccountName is { } podAccount && podAccount != account)
        {
            throw StatusException.BadRequest($"cannot bind token for serviceaccount \"{account}\" to pod running with different serviceaccount name.");
        }

        var uid = target.Object.Metadata.Uid ?? "";
        if (!string.IsNullOrEmpty(reference.Uid) && reference.Uid != uid)
        {
            throw StatusException.Conflict("", kind, reference.Name ?? "",
                $"the UID in the bound object reference ({reference.Uid}) does not match the UID in record. The object might have been deleted and then recreated");
        }

        return new ServiceAccountTokenBinding(kind, reference.Name ?? "", uid);
    }
}
