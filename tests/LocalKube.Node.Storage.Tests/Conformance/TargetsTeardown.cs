using NUnit.Framework;

namespace LocalKube.Node.Storage.Tests.Conformance;

/// <summary>Stops the shared targets once every test in the namespace has run.</summary>
[SetUpFixture]
public sealed class TargetsTeardown
{
    [OneTimeTearDown]
    public async Task StopAsync() => await Targets.StopSharedAsync();
}
