using LocalKube.Abstractions.Drivers;
using LocalKube.Drivers.Conformance;
using LocalKube.Testing;
using NUnit.Framework;

namespace LocalKube.Core.Tests;

/// <summary>Keeps <see cref="FakeDriver"/> honest: it must pass the same suite as the real drivers.</summary>
[TestFixture]
[Category("Unit")]
public sealed class FakeDriverConformanceTests : DriverConformanceTests
{
    /// <inheritdoc />
    protected override TimeSpan Timeout => TimeSpan.FromSeconds(10);

    /// <inheritdoc />
    protected override IDriver CreateDriver() => new FakeDriver();
}
