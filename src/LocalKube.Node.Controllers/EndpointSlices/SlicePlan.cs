using k8s.Models;

namespace LocalKube.Node.Controllers.EndpointSlices;

/// <summary>The writes that bring a Service's EndpointSlices to the desired state.</summary>
/// <param name="Create">New slices (generateName set).</param>
/// <param name="Update">Changed slices (resourceVersion of the read kept).</param>
/// <param name="Delete">Slices to remove.</param>
internal sealed record SlicePlan(List<V1EndpointSlice> Create, List<V1EndpointSlice> Update, List<V1EndpointSlice> Delete)
{
    /// <summary>Whether nothing needs writing.</summary>
    public bool IsEmpty => Create.Count == 0 && Update.Count == 0 && Delete.Count == 0;
}
