using k8s.Models;
using LocalKube.Node.ApiServer.Catalog.Validation;
using LocalKube.Node.ApiServer.Resources;

namespace LocalKube.Node.ApiServer.Catalog.Printing;

/// <summary>Column definitions and cell helpers that many printers share.</summary>
public static class Cols
{
    /// <summary>The NAME column.</summary>
    public static readonly TableColumn Name = new("Name", "string", "name",
        "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically.");

    /// <summary>The AGE column.</summary>
    public static readonly TableColumn Age = new("Age", "string", "",
        "CreationTimestamp is a timestamp representing the server time when this object was created.");

    /// <summary>The generic printer's CREATED AT column.</summary>
    public static readonly TableColumn CreatedAt = new("Created At", "date", "",
        "CreationTimestamp is a timestamp representing the server time when this object was created.");

    /// <summary>The wide CONTAINERS column.</summary>
    public static readonly TableColumn Containers = new("Containers", "string", "", "Names of each container in the template.", 1);

    /// <summary>The wide IMAGES column.</summary>
    public static readonly TableColumn Images = new("Images", "string", "", "Images referenced by each container in the template.", 1);

    /// <summary>A string column.</summary>
    public static TableColumn Text(string name, string description, int priority = 0) => new(name, "string", "", description, priority);

    /// <summary>An integer column.</summary>
    public static TableColumn Integer(string name, string description, int priority = 0) => new(name, "integer", "", description, priority);

    /// <summary>A boolean column.</summary>
    public static TableColumn Boolean(string name, string description, int priority = 0) => new(name, "boolean", "", description, priority);

    /// <summary>Container names and images, comma-joined, as the wide CONTAINERS and IMAGES cells.</summary>
    public static (string Names, string Images) ContainerCells(V1PodTemplateSpec? template)
    {
        var containers = template?.Spec?.Containers ?? [];
        return (string.Join(",", containers.Select(c => c.Name)), string.Join(",", containers.Select(c => c.Image)));
    }

    /// <summary>"True", "False" or "&lt;unset&gt;", as upstream's <c>printBoolPtr</c>.</summary>
    public static string BoolPtr(bool? value) => value is null ? "<unset>" : value.Value ? "True" : "False";
}
