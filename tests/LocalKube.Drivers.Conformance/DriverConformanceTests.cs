using LocalKube.Abstractions.Drivers;
using NUnit.Framework;

namespace LocalKube.Drivers.Conformance;

/// <summary>
/// What every driver must do. A driver's test project derives one fixture from this class and supplies the driver.
/// Each test gets a unique profile and a temporary state folder; TearDown purges everything the driver made.
/// </summary>
public abstract class DriverConformanceTests
{
    /// <summary>Creates the driver under test. Called once per test.</summary>
    protected abstract IDriver CreateDriver();
}
