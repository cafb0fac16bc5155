namespace LocalKube.IntegrationTests.Kubelet;

/// <summary>Deletes the shared <see cref="KubeletCluster"/> after the last fixture of this namespace.</summary>
[SetUpFixture]
public sealed class KubeletClusterTeardown
{
    [OneTimeTearDown]
    public async Task DeleteCluster() => await KubeletCluster.DisposeCurrentAsync();
}
