using k8s.Models;
using LocalKube.Node.ApiServer.Catalog;
using LocalKube.Testing;
using NUnit.Framework;

namespace LocalKube.Node.ApiServer.Tests.Protobuf.Schema;

/// <summary>
/// The checked-in schemas (<c>Protobuf/protos/**.proto</c> and <c>Protobuf/kube.protoset</c>) are exactly what
/// <see cref="ProtoSchemaGenerator"/> derives from the descriptors kubectl 1.32 registers. To regenerate after the
/// served kinds change: <c>LOCALKUBE_WRITE_PROTOS=1 dotnet test --filter ProtoSchemaGeneratorTests</c>.
/// </summary>
[TestFixture]
public sealed class ProtoSchemaGeneratorTests
{
    [Test]
    public void The_checked_in_schemas_are_what_the_generator_derives_from_kubectl()
    {
        var kubectl = KubectlDescriptors.FindKubectl132();
        if (kubectl is null)
        {
            const string message = "kubectl 1.32 (the Google Cloud CLI dispatcher's kubectl.1.32) is not installed";
            if (DockerAvailability.IsCi)
            {
                Assert.Fail(message + "; CI must have it");
            }

            Assert.Ignore(message);
        }

        var result = Generate(kubectl!);
        Assert.That(result.Problems, Is.Empty, "the generator found facts that do not add up");
        var root = Path.Combine(RepositoryRoot(), "src", "LocalKube.Node.ApiServer", "Protobuf");
        if (Environment.GetEnvironmentVariable("LOCALKUBE_WRITE_PROTOS") == "1")
        {
            Write(root, result);
        }

        var protos = Path.Combine(root, "protos");
        var onDisk = Directory.GetFiles(protos, "*.proto", SearchOption.AllDirectories)
            .ToDictionary(p => Path.GetRelativePath(protos, p).Replace('\\', '/'), File.ReadAllText, StringComparer.Ordinal);
        Assert.Multiple(() =>
        {
            Assert.That(onDisk.Keys, Is.EquivalentTo(result.Texts.Keys), "the same files");
            foreach (var (name, text) in result.Texts)
            {
                Assert.That(onDisk.GetValueOrDefault(name), Is.EqualTo(text), $"{name} differs from a fresh generation");
            }

            Assert.That(File.ReadAllBytes(Path.Combine(root, "kube.protoset")), Is.EqualTo(result.DescriptorSet()), "kube.protoset differs from a fresh generation");
        });
    }

    /// <summary>The generator run the API server's schemas come from: every served kind, paired with its model.</summary>
    internal static ProtoSchemaGenerator.Result Generate(string kubectl)
    {
        var strategies = CatalogServiceCollectionExtensions.CreateAll();
        List<(string Group, string Version, string Kind, Type Model)> kinds =
        [
            .. strategies.Select(s => (s.Descriptor.Group, s.Descriptor.Version, s.Descriptor.Kind, s.ModelType)),
            ("", "v1", "Namespace", typeof(V1Namespace)), ("", "v1", "ConfigMap", typeof(V1ConfigMap)), ("", "v1", "Secret", typeof(V1Secret)),
        ];
        var roots = new List<(string, Type)>();
        foreach (var (group, version, kind, model) in kinds)
        {
            var package = $".k8s.io.api.{(group.Length == 0 ? "core" : group.Split('.')[0])}.{version}";
            roots.Add(($"{package}.{kind}", model));
            if (model.Assembly.GetType(model.FullName + "List") is { } list)
            {
                roots.Add(($"{package}.{kind}List", list));
            }
        }

        // What travels besides the kinds: meta's Status, options, watch events and metadata-only objects, and the
        // subresources' own kinds.
        const string meta = ".k8s.io.apimachinery.pkg.apis.meta.v1";
        roots.AddRange([
            ($"{meta}.Status", typeof(V1Status)), ($"{meta}.DeleteOptions", typeof(V1DeleteOptions)), ($"{meta}.WatchEvent", typeof(V1WatchEvent)),
            (".k8s.io.api.autoscaling.v1.Scale", typeof(V1Scale)), (".k8s.io.api.policy.v1.Eviction", typeof(V1Eviction)),
            (".k8s.io.api.core.v1.Binding", typeof(V1Binding)), (".k8s.io.api.authentication.v1.TokenRequest", typeof(Authenticationv1TokenRequest)),
            (".k8s.io.api.authorization.v1.SubjectAccessReview", typeof(V1SubjectAccessReview)),
            (".k8s.io.api.authorization.v1.LocalSubjectAccessReview", typeof(V1LocalSubjectAccessReview)),
            (".k8s.io.api.authorization.v1.SelfSubjectRulesReview", typeof(V1SelfSubjectRulesReview)),
        ]);
        var apiVersions = kinds.Select(k => k.Group.Length == 0 ? k.Version : $"{k.Group}/{k.Version}").Append("autoscaling/v1").Append("policy/v1");
        return ProtoSchemaGenerator.Generate(KubectlDescriptors.Read(kubectl), apiVersions, roots);
    }

    private static void Write(string root, ProtoSchemaGenerator.Result result)
    {
        var protos = Path.Combine(root, "protos");
        if (Directory.Exists(protos))
        {
            Directory.Delete(protos, recursive: true);
        }

        foreach (var (name, text) in result.Texts)
        {
            var path = Path.Combine(protos, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
        }

        File.WriteAllBytes(Path.Combine(root, "kube.protoset"), result.DescriptorSet());
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LocalKube.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("LocalKube.sln not found above " + AppContext.BaseDirectory);
    }
}
