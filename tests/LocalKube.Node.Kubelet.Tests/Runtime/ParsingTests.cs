using System.Text;
using LocalKube.Node.Kubelet.Runtime;
using LocalKube.Node.Kubelet.Runtime.Docker;

namespace LocalKube.Node.Kubelet.Tests.Runtime;

[TestFixture]
[Category("Unit")]
public sealed class ParsingTests
{
    [TestCase("busybox", "docker.io", "library/busybox", null, null, "busybox:latest", true)]
    [TestCase("busybox:1.36", "docker.io", "library/busybox", "1.36", null, "busybox:1.36", false)]
    [TestCase("nginx:latest", "docker.io", "library/nginx", "latest", null, "nginx:latest", true)]
    [TestCase("bitnami/redis:7", "docker.io", "bitnami/redis", "7", null, "bitnami/redis:7", false)]
    [TestCase("registry.k8s.io/pause:3.10", "registry.k8s.io", "pause", "3.10", null, "registry.k8s.io/pause:3.10", false)]
    [TestCase("localhost:5000/app", "localhost:5000", "app", null, null, "localhost:5000/app:latest", true)]
    [TestCase("example.com/team/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "example.com", "team/app", null,
        "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "example.com/team/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", false)]
    public void Image_references(string text, string domain, string path, string? tag, string? digest, string withTag, bool latest)
    {
        Assert.That(ImageReference.TryParse(text, out var r, out var error), Is.True, error);
        Assert.Multiple(() =>
        {
            Assert.That(r!.Domain, Is.EqualTo(domain));
            Assert.That(r.Path, Is.EqualTo(path));
            Assert.That(r.Tag, Is.EqualTo(tag));
            Assert.That(r.Digest, Is.EqualTo(digest));
            Assert.That(r.WithDefaultTag(), Is.EqualTo(withTag));
            Assert.That(r.IsLatest, Is.EqualTo(latest));
        });
    }

    [TestCase("")]
    [TestCase("Busybox")]
    [TestCase("busybox:")]
    [TestCase("bad image")]
    [TestCase("-busybox")]
    [TestCase("busybox::1")]
    [TestCase("busybox@sha256:xyz")]
    public void Invalid_image_references(string text) => Assert.That(ImageReference.TryParse(text, out _, out _), Is.False);

    [TestCase("1.5s", 1500)]
    [TestCase("300ms", 300)]
    [TestCase("2m", 120000)]
    [TestCase("1h1m1s", 3661000)]
    [TestCase("0", 0)]
    public void Go_durations(string text, int ms)
    {
        Assert.That(GoDuration.TryParse(text, out var d), Is.True);
        Assert.That(d, Is.EqualTo(TimeSpan.FromMilliseconds(ms)));
    }

    [TestCase(0, "0s")]
    [TestCase(10_000, "10s")]
    [TestCase(80_000, "1m20s")]
    [TestCase(300_000, "5m0s")]
    [TestCase(1_500, "1.5s")]
    [TestCase(250, "250ms")]
    [TestCase(3_725_000, "1h2m5s")]
    public void Go_duration_format(int ms, string text) => Assert.That(GoDuration.Format(TimeSpan.FromMilliseconds(ms)), Is.EqualTo(text));

    [Test]
    public void Docker_names()
    {
        var pod = new PodSandboxMetadata("web-0", "default", "0f1e", 2);
        Assert.That(DockerNames.Sandbox(pod), Is.EqualTo("k8s_POD_web-0_default_0f1e_2"));
        Assert.That(DockerNames.Container(new ContainerMetadata("nginx", 3), pod), Is.EqualTo("k8s_nginx_web-0_default_0f1e_3"));
        Assert.That(DockerNames.TryParse("/k8s_nginx_web-0_default_0f1e_3", out var parsed), Is.True);
        Assert.That(parsed, Is.EqualTo(new DockerNames.ParsedName("nginx", "web-0", "default", "0f1e", 3)));
        Assert.That(DockerNames.TryParse("/k8s_nginx_web-0_default_0f1e_3_1a2b3c4d", out parsed), Is.True, "a clash suffix is accepted");
        Assert.That(DockerNames.TryParse("/something_else", out _), Is.False);
        Assert.That(DockerNames.TryParse("/k8s_a_b_c_d_notanumber", out _), Is.False);
    }

    [Test]
    public void Docker_log_lines_keep_nanosecond_timestamps()
    {
        var record = DockerLogReader.Parse(Encoding.UTF8.GetBytes("2026-01-02T03:04:05.123456789Z hello world\n"), OutputStream.Stderr);
        Assert.That(record, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(record!.TimeText, Is.EqualTo("2026-01-02T03:04:05.123456789Z"));
            Assert.That(record.Time, Is.EqualTo(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1234567)).Within(TimeSpan.FromTicks(1)));
            Assert.That(Encoding.UTF8.GetString(record.Line.Span), Is.EqualTo("hello world\n"));
            Assert.That(record.Stream, Is.EqualTo(OutputStream.Stderr));
        });
    }
}
