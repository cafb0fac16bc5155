using System.Text.Json.Serialization;

namespace LocalKube.Core.Cluster;

/// <summary>
/// The state of a cluster's node, shaped like minikube's <c>status -o json</c>
/// (<c>Name, Host, Kubelet, APIServer, Kubeconfig, Worker</c>).
/// </summary>
public sealed record ClusterStatus(
    [property: JsonPropertyName("Name")] string Name,
    [property: JsonPropertyName("Host")] string Host,
    [property: JsonPropertyName("Kubelet")] string Kubelet,
    [property: JsonPropertyName("APIServer")] string ApiServer,
    [property: JsonPropertyName("Kubeconfig")] string Kubeconfig,
    [property: JsonPropertyName("Worker")] bool Worker)
{
    /// <summary>How pods run (docker or simulated); shown by <c>status</c> as text, not in minikube's JSON shape.</summary>
    [JsonIgnore]
    public string ContainerRuntime { get; init; } = "";

    public const string Running = "Running";
    public const string Stopped = "Stopped";
    public const string Nonexistent = "Nonexistent";
    public const string Error = "Error";
    public const string Configured = "Configured";
    public const string Misconfigured = "Misconfigured";

    /// <summary>A component this node does not run (no kubelet in the agent): not a failure.</summary>
    public const string Irrelevant = "Irrelevant";

    /// <summary>
    /// minikube's exit code: bit 0 host not running, bit 1 API server or kubelet not running, bit 2 kubeconfig not
    /// configured. Running is 0, stopped is 7. A component that is <see cref="Irrelevant"/> sets no bit.
    /// </summary>
    [JsonIgnore]
    public int ExitCode =>
        (Host != Running ? 1 : 0)
        | (ApiServer != Running || Kubelet is not (Running or Irrelevant) ? 2 : 0)
        | (Kubeconfig != Configured ? 4 : 0);
}
