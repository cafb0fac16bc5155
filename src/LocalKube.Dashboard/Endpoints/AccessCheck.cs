namespace LocalKube.Dashboard.Endpoints;

/// <summary>One "may I?" question of the page: the attributes of a SelfSubjectAccessReview.</summary>
public sealed record AccessCheck(string Verb, string? Group, string Resource, string? Subresource, string? Namespace, string? Name);
