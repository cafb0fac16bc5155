using k8s;

namespace LocalKube.Node.Controllers.Shared;

/// <summary>Deep copies of models, so a controller never changes the objects its cache holds.</summary>
public static class ModelCopy
{
    /// <summary>A deep copy of <paramref name="value"/> (through its JSON form).</summary>
    public static T Clone<T>(T value)
        where T : class =>
        KubernetesJson.Deserialize<T>(KubernetesJson.Serialize(value));
}
