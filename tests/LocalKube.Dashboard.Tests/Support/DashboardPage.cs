using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LocalKube.Dashboard.Tests;

/// <summary>Opens the dashboard the way a user does: the printed link first (it swaps the secret for a cookie).</summary>
public static class DashboardPage
{
    public static async Task<(IBrowserContext Context, IPage Page)> OpenAsync(Uri link, string path = "/", string colorScheme = "light")
    {
        var (context, page) = await Chromium.NewPageAsync(colorScheme);
        TestContext.Progress.WriteLine($"opening {link.GetLeftPart(UriPartial.Authority)}{path}");
        var response = await page.GotoAsync(link.ToString());
        Assert.That(response?.Status, Is.EqualTo(200), "the printed link opens the dashboard");
        if (path != "/")
        {
            await page.GotoAsync(new Uri(new Uri(link.GetLeftPart(UriPartial.Authority)), path).ToString());
        }

        return (context, page);
    }

    /// <summary>Waits until a list view has its first data (its count shows a number).</summary>
    public static async Task WaitForListAsync(IPage page) =>
        await Expect(page.GetByTestId("row-count")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+"), new() { Timeout = 20_000 });
}
