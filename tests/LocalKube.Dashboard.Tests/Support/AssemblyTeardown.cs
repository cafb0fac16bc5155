namespace LocalKube.Dashboard.Tests;

/// <summary>Closes what the run shares: the browser and the shared cluster.</summary>
[SetUpFixture]
public sealed class AssemblyTeardown
{
    [OneTimeTearDown]
    public async Task CloseShared()
    {
        await Chromium.CloseAsync();
        await LocalCluster.DisposeSharedAsync();
    }
}
