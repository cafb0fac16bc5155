using Docker.DotNet.Models;
using LocalKube.Abstractions.Drivers;
using LocalKube.Testing;
using NUnit.Framework;

namespace LocalKube.Drivers.Docker.Tests;

/// <summary>Leftovers of a crashed run (labelled objects without a profile folder) are found and purged.</summary>
[RequiresDocker]
public sealed class DockerLeftoverTests : DockerDriverTestBase
{
    [Test]
    public async Task FindProfiles_ListsProfilesThatOnlyExistAsLabels_AndPurgeRemovesThem()
    {
        // Given: a labelled volume, as a start killed right after creating it would leave.
        await Docker.Volumes.CreateAsync(new VolumesCreateParameters
        {
            Name = Profile,
            Labels = new Dictionary<string, string>
            {
                [WellKnownLabels.Profile] = Profile,
                [WellKnownLabels.Machine] = Profile,
                [WellKnownLabels.CreatedBy] = WellKnownLabels.CreatedByValue,
            },
        }, Token);

        // When / Then
        Assert.That(await Driver.FindProfilesAsync(Token), Does.Contain(Profile));
        var removed = await Driver.PurgeAsync(Profile, State.Path, Token);
        Assert.That(removed, Is.EqualTo(new[] { $"volume {Profile}" }));
        Assert.That(await Driver.FindProfilesAsync(Token), Does.Not.Contain(Profile));
    }
}
