using LocalKube.Abstractions.Drivers;

namespace LocalKube.Drivers.Docker;

/// <summary>Settings of the docker driver. Defaults fit the published layout; tests override paths.</summary>
public sealed class DockerDriverOptions
{
    /// <summary>The image repository of the built-in node image; the tag is the recipe hash.</summary>
    public string ImageRepository { get; set; } = "localkube/node";

    /// <summary>
    /// The node image recipe folder (holding <c>build.sh</c> and <c>rootfs/</c>). Null means
    /// <c>$LOCALKUBE_ASSETS/images/node</c>, else <c>images/node</c> next to the running program's folder.
    /// </summary>
    public string? RecipeDirectory { get; set; }

    /// <summary>
    /// The engine socket tried after <c>DOCKER_HOST</c>. Only tests change it (to simulate a host without Docker).
    /// </summary>
    public string DefaultSocketPath { get; set; } = "/var/run/docker.sock";

    /// <summary>How long one endpoint may take to answer a version request (minikube uses 6 s for its health check).</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>How long <c>StartAgentAsync</c> waits for the agent to write its pid file before returning anyway.</summary>
    public TimeSpan AgentStartWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Reads an environment variable. Replaceable so tests can simulate hosts without touching the process.</summary>
    public Func<string, string?> GetEnvironmentVariable { get; set; } = Environment.GetEnvironmentVariable;

    /// <summary>The recipe folder this configuration resolves to (see <see cref="RecipeDirectory"/>).</summary>
    public string ResolveRecipeDirectory() => NodeImageRecipe.ResolveDirectory(RecipeDirectory, GetEnvironmentVariable);
}
