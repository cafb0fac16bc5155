using Docker.DotNet;
using LocalKube.Abstractions.Drivers;
using LocalKube.Abstractions.Errors;
using LocalKube.Testing;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace LocalKube.Drivers.Docker.Tests;

public sealed class DockerDriverUnitTests
{
    [Test]
    public void Capabilities_FollowTheBoundingSet()
    {
        // This host's CapBnd: everything up to CAP_CHECKPOINT_RESTORE except CAP_SYS_RESOURCE (bit 24).
        var caps = HostCapabilities.FromMask("000001fffeffffff");
        Assert.That(caps, Has.Count.EqualTo(40));
        Assert.That(caps, Does.Contain("CAP_SYS_ADMIN").And.Contain("CAP_NET_ADMIN").And.Contain("CAP_CHECKPOINT_RESTORE"));
        Assert.That(caps, Does.Not.Contain("CAP_SYS_RESOURCE"));
    }

    [Test]
    public void ImageTag_IsAHashOfTheRecipe_AndChangesWithIt()
    {
        using var temp = new TempDirectory("lkt");
        var recipe = temp.Combine("node");
        Directory.CreateDirectory(Path.Combine(recipe, "rootfs"));
        File.WriteAllText(Path.Combine(recipe, "build.sh"), "#!/bin/sh\n");
        File.WriteAllText(Path.Combine(recipe, "rootfs", "a"), "1");

        var first = DockerNodeImage.ComputeTag(recipe);
        Assert.That(first, Does.Match("^localkube/node:[0-9a-f]{12}$"));
        Assert.That(DockerNodeImage.ComputeTag(recipe), Is.EqualTo(first));
        File.WriteAllText(Path.Combine(recipe, "rootfs", "a"), "2");
        Assert.That(DockerNodeImage.ComputeTag(recipe), Is.Not.EqualTo(first));
        File.Move(Path.Combine(recipe, "rootfs", "a"), Path.Combine(recipe, "rootfs", "b"));
        Assert.That(DockerNodeImage.ComputeTag(recipe), Is.Not.EqualTo(first));

        var e = Assert.Throws<LocalKubeException>(() => DockerNodeImage.ComputeTag(temp.Combine("missing")));
        Assert.That(e!.Reason, Is.EqualTo(Reasons.AssetNotFound));
    }

    [Test]
    public void DockerPortErrors_BecomePortInUse_NamingThePort()
    {
        var body = "{\"message\":\"driver failed programming external connectivity on endpoint lkt: Bind for 127.0.0.1:31234 failed: port is already allocated\"}";
        var e = DockerErrors.AsPortInUse(new DockerApiException(System.Net.HttpStatusCode.InternalServerError, body),
            [new PortMapping(40000, 8443), new PortMapping(31234, 80)]);
        Assert.That(e!.Reason, Is.EqualTo(Reasons.PortInUse));
        Assert.That(e.Message, Does.Contain("31234"));
        Assert.That(DockerErrors.AsPortInUse(new DockerApiException(System.Net.HttpStatusCode.InternalServerError, "other"), []), Is.Null);
    }

    [Test]
    public void Descriptor_MatchesTheBrief()
    {
        var d = DockerDriverDescriptor.Instance;
        Assert.Multiple(() =>
        {
            Assert.That(d.Name, Is.EqualTo("docker"));
            Assert.That(d.Aliases, Is.Empty);
            Assert.That(d.Priority, Is.EqualTo(DriverPriority.HighlyPreferred));
            Assert.That(d.IsDefaultCandidate, Is.True);
            Assert.That(d.Has(DriverCapabilities.ResourceLimits | DriverCapabilities.PortPublishing | DriverCapabilities.MultiNode
                | DriverCapabilities.NodeImage | DriverCapabilities.Isolated), Is.True);
            Assert.That(d.Platforms, Is.EquivalentTo(new[] { "linux", "osx", "windows" }));
        });
    }

    [Test]
    public void AddDockerDriver_RegistersDescriptorDriverAndProbe_ByName()
    {
        var services = new ServiceCollection().AddDockerDriver(o => o.RecipeDirectory = "/somewhere");
        using var provider = services.BuildServiceProvider();
        Assert.That(provider.GetServices<DriverDescriptor>(), Has.Some.Matches<DriverDescriptor>(d => d.Name == "docker"));
        Assert.That(provider.GetRequiredKeyedService<IDriver>("docker"), Is.InstanceOf<DockerDriver>());
        Assert.That(provider.GetRequiredKeyedService<IDriverProbe>("docker"), Is.InstanceOf<DockerDriverProbe>());
        Assert.That(provider.GetRequiredService<DockerNodeImage>(), Is.Not.Null);
    }

    [Test]
    public void AddDockerDriver_ValidatesItsOptionsThroughTheOptionsSystem()
    {
        using var provider = new ServiceCollection()
            .AddDockerDriver(o => (o.ConnectTimeout, o.ImageRepository) = (TimeSpan.Zero, "Local/Node:tag"))
            .BuildServiceProvider();
        var e = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => provider.GetRequiredKeyedService<IDriver>("docker"));
        Assert.That(e!.Failures, Has.Some.StartsWith("ConnectTimeout").And.Some.StartsWith("ImageRepository 'Local/Node:tag'"));
        Assert.That(() => new DockerDriver(new DockerDriverOptions { AgentStartWait = TimeSpan.FromSeconds(-1) }),
            Throws.InstanceOf<Microsoft.Extensions.Options.OptionsValidationException>().With.Message.Contains("AgentStartWait"), "built by hand: the same validator");
    }

    [Test]
    public void RecipeDirectory_DefaultsToTheAssetsFolder()
    {
        var options = new DockerDriverOptions { GetEnvironmentVariable = n => n == "LOCALKUBE_ASSETS" ? "/opt/lk/artifacts" : null };
        Assert.That(options.ResolveRecipeDirectory(), Is.EqualTo("/opt/lk/artifacts/images/node"));
    }
}
