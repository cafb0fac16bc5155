namespace LocalKube.Node.ApiServer.Resources;

/// <summary>
/// One column of a meta.k8s.io/v1 Table (KubernetesClient has no model for it). Serialized as
/// <c>{"name","type","format","description","priority"}</c>.
/// </summary>
/// <param name="Name">Header, e.g. <c>Name</c>, <c>Ready</c>, <c>Age</c>.</param>
/// <param name="Type">OpenAPI type: <c>string</c>, <c>integer</c>, <c>number</c>, <c>boolean</c>, <c>date</c>.</param>
/// <param name="Format">OpenAPI format, e.g. <c>name</c> for the NAME column.</param>
/// <param name="Description">What the column shows.</param>
/// <param name="Priority">0 for the default view, 1 for columns only <c>-o wide</c> shows.</param>
public sealed record TableColumn(string Name, string Type, string Format, string Description, int Priority = 0);
