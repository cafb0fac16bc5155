using LocalKube.Testing;
using Microsoft.Playwright;

namespace LocalKube.Dashboard.Tests;

/// <summary>
/// One headless Chromium for the whole run: Debian's <c>/usr/bin/chromium</c> driven by Playwright (which cannot
/// download browsers here). Missing chromium fails in CI (which installs it) and ignores the test elsewhere.
/// </summary>
public static class Chromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static IPlaywright? _playwright;
    private static IBrowser? _browser;

    public static async Task<IBrowser> BrowserAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            if (DockerAvailability.IsCi)
            {
                Assert.Fail($"{ExecutablePath} is missing: CI must install Debian's chromium (.ci/run does).");
            }

            Assert.Ignore($"{ExecutablePath} is missing: apt-get install chromium");
        }

        await Gate.WaitAsync();
        try
        {
            if (_browser is { IsConnected: true })
            {
                return _browser;
            }

            _playwright ??= await Playwright.CreateAsync();
            _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                // As root in CI; and no traffic beyond 127.0.0.1 (the machine's network is closed).
                Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
            });
            return _browser;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>A fresh context (no cookies) and page; dispose the context.</summary>
    public static async Task<(IBrowserContext Context, IPage Page)> NewPageAsync(string colorScheme = "light")
    {
        var browser = await BrowserAsync();
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1400, Height = 900 },
            ColorScheme = colorScheme == "dark" ? ColorScheme.Dark : ColorScheme.Light,
            AcceptDownloads = true,
        });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        page.PageError += (_, error) => TestContext.Progress.WriteLine($"page error: {error}");
        return (context, page);
    }

    /// <summary>Saves a screenshot as a test artifact under artifacts/test-results/dashboard/.</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        var dir = Path.Combine(RepoPaths.Artifacts, "test-results", "dashboard");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        TestContext.AddTestAttachment(path);
        return path;
    }

    internal static async Task CloseAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
    }
}
