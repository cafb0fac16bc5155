namespace LocalKube.Node.ApiServer.Tests.Fuzz;

/// <summary>One resource as discovery lists it.</summary>
internal sealed record FuzzResource(string Group, string Version, string Plural, string Kind, bool Namespaced, IReadOnlyList<string> Verbs)
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>The collection's path in <paramref name="ns"/> (ignored for cluster-scoped resources).</summary>
    public string Collection(string ns) =>
        (Group.Length == 0 ? $"/api/{Version}" : $"/apis/{Group}/{Version}") + (Namespaced ? $"/namespaces/{ns}/" : "/") + Plural;

    public bool Can(string verb) => Verbs.Contains(verb);

    public override string ToString() => $"{ApiVersion} {Plural}";
}
