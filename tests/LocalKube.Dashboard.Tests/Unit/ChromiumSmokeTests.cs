using static Microsoft.Playwright.Assertions;

namespace LocalKube.Dashboard.Tests.Unit;

[TestFixture]
[Category("Dashboard")]
public sealed class ChromiumSmokeTests
{
    [Test]
    public async Task DebianChromium_RendersAPage()
    {
        var (context, page) = await Chromium.NewPageAsync();
        await using (context)
        {
            await page.SetContentAsync("<h1>hello</h1>");
            await Expect(page.Locator("h1")).ToHaveTextAsync("hello");
        }
    }
}
