using LocalKube.Node.ApiServer.Authentication;
using Microsoft.AspNetCore.Http;

namespace LocalKube.Node.ApiServer.Authorization;

/// <summary>
/// What a request asks to do, as upstream's authorizer.Attributes: a resource request (verb, group, version,
/// resource, subresource, namespace, name, and the field selector of a list or watch, which the node authorizer reads)
/// or a non-resource request (verb is the lower-case HTTP method, plus the path).
/// </summary>
public sealed record RequestAttributes(
    KubeUser User,
    string Verb,
    bool IsResourceRequest,
    string Path = "",
    string Namespace = "",
    string ApiGroup = "",
    string ApiVersion = "",
    string Resource = "",
    string Subresource = "",
    string Name = "",
    string FieldSelector = "")
{
    private static readonly HashSet<string> SpecialVerbs = ["proxy", "watch"];
    private static readonly HashSet<string> NamespaceSubresources = ["status", "finalize"];

    /// <summary>A resource request.</summary>
    public static RequestAttributes ForResource(KubeUser user, string verb, string group, string resource, string ns = "", string name = "", string subresource = "", string version = "") =>
        new(user, verb, true, Namespace: ns, ApiGroup: group, ApiVersion: version, Resource: resource, Subresource: subresource, Name: name);

    /// <summary>A non-resource request.</summary>
    public static RequestAttributes ForPath(KubeUser user, string verb, string path) => new(user, verb, false, Path: path);

    /// <summary>Derives the attributes of an HTTP request as upstream's RequestInfoFactory does.</summary>
    public static RequestAttributes FromRequest(KubeUser user, string method, string path, IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(path);
        var nonResource = new RequestAttributes(user, method.ToLowerInvariant(), false, Path: path);
        var parts = path.Trim('/').Split('/');
        if (parts.Length < 3 || parts[0] is not ("api" or "apis"))
        {
            return nonResource;
        }

        var group = "";
        var rest = parts.AsSpan(1);
        if (parts[0] == "apis")
        {
            if (rest.Length < 3)
            {
                return nonResource;
            }

            group = rest[0];
            rest = rest[1..];
        }

        var version = rest[0];
        rest = rest[1..];
        string verb;
        var viaMethod = false;
        if (SpecialVerbs.Contains(rest[0]))
        {
            if (rest.Length < 2)
            {
                return nonResource;
            }

            verb = rest[0];
            rest = rest[1..];
        }
        else
        {
            viaMethod = true;
            verb = method switch
            {
                "POST" => "create",
                "GET" or "HEAD" => "get",
                "PUT" => "update",
                "PATCH" => "patch",
                "DELETE" => "delete",
                _ => "",
            };
        }

        var ns = "";
        if (rest[0] == "namespaces" && rest.Length > 1)
        {
            ns = rest[1];
            if (rest.Length > 2 && !NamespaceSubresources.Contains(rest[2]))
            {
                rest = rest[2..];
            }
        }

        var resource = rest.Length >= 1 ? rest[0] : "";
        var name = rest.Length >= 2 ? rest[1] : "";
        var fields = "";
        var subresource = rest.Length >= 3 && verb != "proxy" ? rest[2] : "";
        if (name.Length == 0 && verb == "get")
        {
            var watch = query["watch"].ToString();
            verb = viaMethod && (watch == "true" || watch == "1") ? "watch" : "list";
        }

        if (name.Length == 0 && verb is "list" or "watch")
        {
            // Upstream narrows a list/watch to one name when the field selector pins metadata.name.
            fields = query["fieldSelector"].ToString();
            if (fields.Length > 0 && Rest.FieldSelector.Parse(fields).RequiredValue("metadata.name") is { } pinned)
            {
                name = pinned;
            }
        }

        // Upstream (1.31+): opening exec, attach or port-forward takes create, whatever the method (a WebSocket is a GET).
        if (viaMethod && resource == "pods" && subresource is "exec" or "attach" or "portforward")
        {
            verb = "create";
        }

        if (name.Length == 0 && verb == "delete")
        {
            verb = "deletecollection";
        }

        return new RequestAttributes(user, verb, true, path, ns, group, version, resource, subresource, name, fields);
    }
}
