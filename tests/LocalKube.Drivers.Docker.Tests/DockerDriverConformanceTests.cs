using LocalKube.Abstractions.Drivers;
using LocalKube.Drivers.Conformance;
using LocalKube.Testing;

namespace LocalKube.Drivers.Docker.Tests;

/// <summary>The shared driver conformance suite, run against the docker driver.</summary>
[RequiresDocker]
public sealed class DockerDriverConformanceTests : DriverConformanceTests
{
    protected override IDriver CreateDriver() => new DockerDriver(DockerTestSupport.Options());
}
