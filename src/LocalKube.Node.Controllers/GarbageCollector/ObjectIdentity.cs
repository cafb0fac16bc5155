namespace LocalKube.Node.Controllers.GarbageCollector;

/// <summary>
/// Where an object in the ownership graph lives: the owner-reference coordinates (apiVersion, kind, name, uid)
/// plus a namespace, "" for cluster-scoped objects (upstream's <c>objectReference</c>).
/// </summary>
/// <param name="ApiVersion">The group/version.</param>
/// <param name="Kind">The kind.</param>
/// <param name="Namespace">The namespace; "" when cluster-scoped (or, for a virtual owner, the dependent's).</param>
/// <param name="Name">The name.</param>
/// <param name="Uid">The UID.</param>
public sealed record ObjectIdentity(string ApiVersion, string Kind, string Namespace, string Name, string Uid)
{
    /// <summary>Upstream's rendering in events: <c>[v1/ConfigMap, namespace: ns, name: x, uid: y]</c>.</summary>
    public override string ToString() => $"[{ApiVersion}/{Kind}, namespace: {Namespace}, name: {Name}, uid: {Uid}]";
}
