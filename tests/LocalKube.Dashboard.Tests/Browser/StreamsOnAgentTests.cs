using System.Net.Sockets;
using System.Text.RegularExpressions;
using LocalKube.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LocalKube.Dashboard.Tests.Browser;

/// <summary>
/// The shell tab and one-click port-forward against the real agent (<see cref="LocalCluster"/>: the published CLI's
/// process driver), so the page, the dashboard's bridges, the API server's upgrade and proxy, and the kubelet's
/// streaming server all take part; <c>Streaming/StreamingUiTests</c> covers the same pages against a fake API
/// server. The process driver runs pods on the simulated runtime: an exec behaves as <c>cat</c> (what is typed
/// comes back as the container's output) and a pod echoes on the ports its <c>simulated.localkube.io/echo-ports</c>
/// annotation names.
/// </summary>
[TestFixture]
[Category("Dashboard")]
public sealed class StreamsOnAgentTests
{
    private LocalCluster _cluster = null!;
    private string _ns = "";

    [OneTimeSetUp]
    public async Task Cluster()
    {
        _cluster = await LocalCluster.SharedAsync();
        _ns = "streams-" + Guid.NewGuid().ToString("N")[..5];
        await _cluster.CreateNamespaceAsync(_ns);
        (await _cluster.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{_ns}/pods", new
        {
            apiVersion = "v1",
            kind = "Pod",
            metadata = new { name = "echo", annotations = new Dictionary<string, string> { ["simulated.localkube.io/echo-ports"] = "7000" } },
            spec = new { containers = new[] { new { name = "main", image = "demo/echo:1", ports = new[] { new { containerPort = 7000 } } } } },
        })).Dispose();
        await _cluster.KubectlAsync("wait", "--for=condition=Ready", "pod/echo", "-n", _ns, "--timeout=60s");
    }

    [Test]
    public async Task Shell_WhatTheContainerWritesAppearsInTheTerminal()
    {
        var (context, page) = await DashboardPage.OpenAsync(_cluster.DashboardUrl, $"/pods/{_ns}/echo?tab=shell");
        await using (context)
        {
            await Expect(page.GetByTestId("shell-status")).ToContainTextAsync("Connected to main (v5.channel.k8s.io)", new() { Timeout = 15_000 });
            await page.GetByTestId("terminal").ClickAsync();
            // The page does not echo locally: only the container's stdout reaches the terminal.
            var marker = "typed-" + Guid.NewGuid().ToString("N")[..8];
            await page.Keyboard.TypeAsync(marker);
            await Expect(page.Locator(".xterm-rows")).ToContainTextAsync(marker, new() { Timeout = 10_000 });
            await Expect(page.GetByTestId("shell-status")).ToContainTextAsync("Connected to main");
        }
    }

    [Test]
    public async Task PortForward_BytesGoThroughThePodsPort()
    {
        var (context, page) = await DashboardPage.OpenAsync(_cluster.DashboardUrl, $"/pods/{_ns}/echo");
        await using (context)
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Forward a local port to pod echo port 7000" }).ClickAsync();
            var link = page.GetByTestId("forward-link");
            await Expect(link).ToHaveTextAsync(new Regex(@"^http://127\.0\.0\.1:\d+/$"));
            var port = new Uri(await link.InnerTextAsync()).Port;

            // Two connections, each its own stream through the API server and kubelet to the pod's port.
            for (var i = 0; i < 2; i++)
            {
                var sent = $"ping {i} {Guid.NewGuid():N}\n";
                Assert.That(await EchoAsync(port, sent), Is.EqualTo(sent));
            }

            await page.GotoAsync(new Uri(_cluster.BaseUrl, "/forwards").ToString());
            await Expect(page.Locator("table.data")).ToContainTextAsync("pod/echo:7000");
            await page.GetByRole(AriaRole.Button, new() { Name = "Stop" }).ClickAsync();
            await Expect(page.GetByText("No forwards are open.")).ToBeVisibleAsync();
            Assert.ThrowsAsync<SocketException>(async () => await EchoAsync(port, "after stop\n"));
        }
    }

    private static async Task<string> EchoAsync(int port, string text)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        return await TcpEcho.RoundTripAsync(port, text, timeout.Token);
    }
}
