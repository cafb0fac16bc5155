using LocalKube.Abstractions.Drivers;
using LocalKube.Core.Assets;
using LocalKube.Core.Certificates;
using LocalKube.Core.Drivers;
using LocalKube.Core.Kubeconfig;
using LocalKube.Core.Paths;
using LocalKube.Core.Profiles;
using LocalKube.Core.Tests.Support;
using LocalKube.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LocalKube.Core.Tests;

[TestFixture]
public sealed class ServiceCollectionExtensionsTests
{
    [Test]
    public void AddLocalKubeCore_ResolvesEveryService()
    {
        using var temp = new TempDirectory();
        var descriptor = Support.Drivers.Descriptor("docker");
        using var provider = new ServiceCollection()
            .AddSingleton(new LocalKubePaths(temp.Path))
            .AddSingleton(new KubeconfigStore(temp.Combine("kubeconfig"), TimeProvider.System))
            .AddLocalKubeCore()
            // Drivers may register after Core.
            .AddSingleton(descriptor)
            .AddKeyedSingleton<IDriver>("docker", new StubDriver(descriptor))
            .AddKeyedSingleton<IDriverProbe>("docker", new StubProbe(DriverHealth.Ok("1")))
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Assert.Multiple(() =>
        {
            Assert.That(provider.GetRequiredService<LocalKubePaths>().Home, Is.EqualTo(temp.Path));
            Assert.That(provider.GetRequiredService<ProfileStore>(), Is.Not.Null);
            Assert.That(provider.GetRequiredService<Pki>(), Is.Not.Null);
            Assert.That(provider.GetRequiredService<KubeconfigStore>().Path, Is.EqualTo(temp.Combine("kubeconfig")));
            Assert.That(provider.GetRequiredService<DriverRegistry>().Resolve("docker"), Is.SameAs(descriptor));
            Assert.That(provider.GetRequiredService<DriverSelector>(), Is.Not.Null);
            Assert.That(provider.GetRequiredService<AssetLocator>(), Is.Not.Null);
            Assert.That(provider.GetRequiredService<TimeProvider>(), Is.SameAs(TimeProvider.System));
        });
    }
}
