using System.Runtime.Versioning;
using LocalKube.Abstractions.Drivers;
using LocalKube.Drivers.Conformance;
using NUnit.Framework;

namespace LocalKube.Drivers.Xhyve.Tests;

/// <summary>
/// The machine lifecycle cases of the conformance suite against the xhyve driver driving a fake hyperkit (a real
/// process that stands in for the VM) and a fake leases file. The agent cases do not apply: there is no guest.
/// </summary>
[TestFixture]
[Category("Unit")]
[Platform("Linux")]
[SupportedOSPlatform("linux")]
public sealed class XhyveDriverConformanceTests : DriverLifecycleConformanceTests
{
    private FakeHyperkitHost? _host;

    /// <inheritdoc />
    protected override TimeSpan Timeout => TimeSpan.FromSeconds(30);

    /// <inheritdoc />
    protected override IDriver CreateDriver()
    {
        _host = new FakeHyperkitHost();
        return new XhyveDriver(_host.Options);
    }

    /// <inheritdoc />
    protected override void AssertEndpoint(NodeEndpoint endpoint)
    {
        Assert.Multiple(() =>
        {
            Assert.That(endpoint.NodeIp, Is.EqualTo("192.168.64.7"), "the address vmnet's DHCP leased to the node");
            Assert.That(endpoint.ApiServer, Is.EqualTo(new Uri("https://192.168.64.7:8443")));
            Assert.That(endpoint.Addresses, Is.EqualTo(new[] { "192.168.64.7" }));
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
