using k8s.Models;

namespace LocalKube.Node.Controllers.Shared;

/// <summary>Pods made from a controller's template (<c>GetPodFromTemplate</c>).</summary>
public static class PodTemplates
{
    /// <summary>
    /// A pod to create for <paramref name="ownerName"/>: the template's labels, annotations, finalizers and spec,
    /// <c>generateName "&lt;owner&gt;-"</c> and the controller reference.
    /// </summary>
    public static V1Pod NewPod(V1PodTemplateSpec template, string ownerName, V1OwnerReference? controllerRef)
    {
        ArgumentNullException.ThrowIfNull(template);
        var copy = ModelCopy.Clone(template);
        return new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                GenerateName = GenerateNamePrefix(ownerName),
                Labels = copy.Metadata?.Labels is { Count: > 0 } l ? new Dictionary<string, string>(l) : null,
                Annotations = copy.Metadata?.Annotations is { Count: > 0 } a ? new Dictionary<string, string>(a) : null,
                Finalizers = copy.Metadata?.Finalizers is { Count: > 0 } f ? f.ToList() : null,
                OwnerReferences = controllerRef is null ? null : [controllerRef],
            },
            Spec = copy.Spec,
        };
    }

    /// <summary>
    /// <c>getPodsPrefix</c>: <c>name-</c>, or the bare name when the dash would make an invalid pod name prefix.
    /// </summary>
    public static string GenerateNamePrefix(string ownerName)
    {
        ArgumentNullException.ThrowIfNull(ownerName);
        var prefix = ownerName + "-";
        // The API server truncates a generateName to 58 characters; a prefix that is a valid DNS subdomain when
        // a suffix is added is all that is needed here. Owner names are already valid names.
        return prefix.Length <= 253 ? prefix : ownerName;
    }
}
