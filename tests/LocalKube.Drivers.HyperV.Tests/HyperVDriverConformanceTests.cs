using System.Runtime.Versioning;
using LocalKube.Abstractions.Drivers;
using LocalKube.Drivers.Conformance;
using NUnit.Framework;

namespace LocalKube.Drivers.HyperV.Tests;

/// <summary>
/// The machine lifecycle cases of the conformance suite against the hyperv driver driving a fake PowerShell. The agent
/// cases do not apply: the fake's VMs exist only as scripted cmdlet answers, there is no guest to run an agent in.
/// </summary>
[TestFixture]
[Category("Unit")]
[Platform("Linux")]
[SupportedOSPlatform("linux")]
public sealed class HyperVDriverConformanceTests : DriverLifecycleConformanceTests
{
    private FakeHyperV? _host;

    /// <inheritdoc />
    protected override TimeSpan Timeout => TimeSpan.FromSeconds(30);

    /// <inheritdoc />
    protected override IDriver CreateDriver()
    {
        _host = new FakeHyperV();
        return new HyperVDriver(_host.Options);
    }

    /// <inheritdoc />
    protected override void AssertEndpoint(NodeEndpoint endpoint)
    {
        Assert.Multiple(() =>
        {
            Assert.That(endpoint.NodeIp, Is.EqualTo("172.20.16.5"), "the address Hyper-V reports for the VM");
            Assert.That(endpoint.ApiServer, Is.EqualTo(new Uri("https://172.20.16.5:8443")), "the node is reached on its own address");
            Assert.That(endpoint.Addresses, Is.EqualTo(new[] { "172.20.16.5" }));
        });
    }

    [TearDown]
    public async Task TearDownHostAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}
