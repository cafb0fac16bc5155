namespace LocalKube.Node.Kubelet.Runtime;

/// <summary>Facts about the engine, for the Node object and the logs.</summary>
/// <param name="Type">The runtime type (<c>docker</c>, <c>simulated</c>).</param>
/// <param name="Version">The engine version, e.g. <c>20.10.24</c>.</param>
/// <param name="ApiVersion">The engine API version, e.g. <c>1.41</c>.</param>
/// <param name="CpuCount">CPUs the engine sees (0 when unknown).</param>
/// <param name="MemoryBytes">Memory the engine sees (0 when unknown).</param>
/// <param name="CgroupVersion">1 or 2 (0 when unknown).</param>
public sealed record RuntimeInfo(string Type, string Version, string ApiVersion, int CpuCount, long MemoryBytes, int CgroupVersion)
{
    /// <summary><c>nodeInfo.containerRuntimeVersion</c>: <c>docker://20.10.24</c>.</summary>
    public string RuntimeVersion => $"{Type}://{Version}";
}
