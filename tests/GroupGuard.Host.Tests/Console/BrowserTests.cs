using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace GroupGuard.Host.Tests.Console;

/// <summary>
/// The console in a real browser: Debian's Chromium driven through chromedriver (both installed by
/// <c>.ci/run</c>), against the executable started as an operator starts it. Screenshots of the
/// main pages land in the test output's <c>screenshots</c> folder (and in <c>GG_SCREENSHOTS</c>
/// when it names a folder, which is how <c>docs/screenshots</c> is refreshed).
/// </summary>
public sealed class BrowserTests
{
    private const string Chromium = "/usr/bin/chromium";
    private const string ChromeDriver = "/usr/bin/chromedriver";

    /// <summary>Only turns a hang into a failure; a browser on a loaded machine may take a while.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task An_admin_reviews_and_tries_rules_and_a_leader_is_refused_another_group()
    {
        Assert.True(File.Exists(Chromium) && File.Exists(ChromeDriver), $"Browser tests need Debian's chromium and chromium-driver ({Chromium}, {ChromeDriver}); dotnet test installs them when it can (tools/test-prerequisites.sh).");
        using var files = new GroupGuardFactory();
        var environment = StartupAndHealthTests.Environment(files);
        var baseUrl = environment["ASPNETCORE_URLS"];
        Assert.Equal(0, (await GroupGuardProcess.RunWithInputAsync(files.Folder, environment, TimeSpan.FromSeconds(60), "admin password 2026\n", "users", "add", "admin", "--role", "admin")).ExitCode);
        Assert.Equal(0, (await GroupGuardProcess.RunWithInputAsync(files.Folder, environment, TimeSpan.FromSeconds(60), "leader password 2026\n", "users", "add", "组长", "--role", "leader", "--groups", "111111")).ExitCode);

        using var process = GroupGuardProcess.Start(files.Folder, environment);
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        try
        {
            await GroupGuardProcess.WaitHealthyAsync(http, process);
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            await PostAsync(http, GroupGuardFactory.GroupEvent(61, "本群团购，有需要加微信", groupId: 111111, time: now));
            await PostAsync(http, GroupGuardFactory.GroupEvent(62, "私聊领取内部资料", groupId: 222222, time: now));
            await GroupGuardProcess.WaitProcessedAsync(http, process, 2);
            var export = await GroupGuardProcess.RunAsync(files.Folder, environment, TimeSpan.FromSeconds(60), "incidents", "export");
            var ids = export.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => JsonDocument.Parse(line).RootElement)
                .ToDictionary(r => r.GetProperty("group_id").GetString()!, r => r.GetProperty("id").GetInt64());

            using var browser = StartBrowser();
            var shots = ScreenshotFolders();

            // Sign in and see the overview's chart drawn.
            browser.Navigate().GoToUrl(baseUrl + "/console");
            Wait(browser, () => browser.FindElements(By.Name("password")).Count > 0, "the sign-in form");
            browser.FindElement(By.Name("name")).SendKeys("admin");
            browser.FindElement(By.Name("password")).SendKeys("admin password 2026");
            browser.FindElement(By.CssSelector("form button[type=submit]")).Click();
            Wait(browser, () => browser.FindElements(By.CssSelector("canvas#per-day[data-drawn=true]")).Count > 0, "the overview's chart");
            Assert.Equal("2", browser.FindElement(By.Id("offence-total")).Text);
            // The picture in the docs shows the outcomes once the platform has answered (no bot API
            // here: the platform cannot), not the moment before, and the bridge by its name.
            Wait(
                browser,
                () =>
                {
                    browser.Navigate().Refresh();
                    return !browser.FindElement(By.ClassName("columns")).Text.Contains("待处置", StringComparison.Ordinal);
                },
                "the actions to be answered");
            Wait(browser, () => browser.FindElements(By.CssSelector("canvas#per-day[data-drawn=true]")).Count > 0, "the overview's chart again");
            Assert.Contains("OneBot v11 10001", browser.PageSource, StringComparison.Ordinal);
            SaveWhole(browser, shots, "console-overview.png");

            // Filter incidents by group, open one, mark it false positive.
            browser.Navigate().GoToUrl(baseUrl + "/console/incidents");
            Wait(browser, () => browser.FindElements(By.Id("filters")).Count > 0, "the incident filters");
            browser.FindElement(By.Name("group")).SendKeys("222222");
            browser.FindElement(By.CssSelector("#filters button[type=submit]")).Click();
            Wait(browser, () => browser.Url.Contains("group=222222", StringComparison.Ordinal) && browser.FindElements(By.CssSelector("tr[data-incident]")).Count == 1, "the filtered list");
            Assert.Equal(ids["222222"].ToString(CultureInfo.InvariantCulture), browser.FindElement(By.CssSelector("tr[data-incident]")).GetAttribute("data-incident"));
            Save(browser, shots, "console-incidents.png");
            browser.FindElement(By.CssSelector($"a[href='/console/incidents/{ids["222222"]}']")).Click();
            Wait(browser, () => browser.FindElements(By.Id("mark-form")).Count > 0, "the incident's page");
            Assert.Equal("私聊领取", browser.FindElement(By.CssSelector("#message mark")).Text);
            browser.FindElement(By.CssSelector("#mark-form input[name=note]")).SendKeys("内部资料是群文件");
            browser.FindElement(By.CssSelector("#mark-form button[type=submit]")).Click();
            Wait(browser, () => browser.FindElement(By.Id("review")).Text.Contains("已标记为误判", StringComparison.Ordinal), "the mark to show");
            Assert.Contains("admin", browser.FindElement(By.Id("review")).Text, StringComparison.Ordinal);
            Save(browser, shots, "console-incident.png");

            // Try a variant spelling in the sandbox, and a term that does not count (stitched across a full stop).
            browser.Navigate().GoToUrl(baseUrl + "/console/rules");
            Wait(browser, () => browser.FindElements(By.Id("sandbox-form")).Count > 0, "the sandbox");
            var newLine = Keys.Shift + Keys.Enter + Keys.Shift;
            browser.FindElement(By.CssSelector("#sandbox-form textarea")).SendKeys("有需要加威信" + newLine + "今天开会" + newLine + "私聊。领取资料");
            browser.FindElement(By.CssSelector("#sandbox-form button[type=submit]")).Click();
            Wait(browser, () => browser.FindElements(By.Id("sandbox-results")).Count > 0, "the sandbox's results");
            Assert.Equal("加威信", browser.FindElement(By.CssSelector("#sandbox-results mark")).Text);
            Assert.Contains("形近字", browser.FindElement(By.Id("sandbox-results")).Text, StringComparison.Ordinal);
            Assert.Contains("未计入: 跨越了标点", browser.FindElement(By.CssSelector("#sandbox-results tr.miss")).Text, StringComparison.Ordinal);
            Save(browser, shots, "console-sandbox.png");

            // Sign out; the leader of 111111 sees their incident and not the other group's.
            browser.FindElement(By.CssSelector("form.signout button")).Click();
            Wait(browser, () => browser.FindElements(By.Name("password")).Count > 0, "the sign-in form again");
            browser.FindElement(By.Name("name")).SendKeys("组长");
            browser.FindElement(By.Name("password")).SendKeys("leader password 2026");
            browser.FindElement(By.CssSelector("form button[type=submit]")).Click();
            Wait(browser, () => browser.FindElements(By.Id("offence-total")).Count > 0, "the leader's overview");
            Assert.Equal("1", browser.FindElement(By.Id("offence-total")).Text);
            browser.Navigate().GoToUrl(baseUrl + "/console/incidents");
            Wait(browser, () => browser.FindElements(By.Id("filters")).Count > 0, "the leader's incidents");
            var rows = browser.FindElements(By.CssSelector("tr[data-incident]")).Select(r => r.GetAttribute("data-incident")).ToList();
            Assert.Equal([ids["111111"].ToString(CultureInfo.InvariantCulture)], rows);
            browser.Navigate().GoToUrl(baseUrl + $"/console/incidents/{ids["222222"]}");
            Wait(browser, () => browser.FindElements(By.Id("filters")).Count == 0, "the refusal");
            Assert.DoesNotContain("私聊领取", browser.PageSource, StringComparison.Ordinal);
            Assert.Empty(browser.FindElements(By.Id("message")));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
            _ = await stdout;
            _ = await stderr;
        }
    }

    private static ChromeDriver StartBrowser()
    {
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromeDriver)!, Path.GetFileName(ChromeDriver));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = Chromium };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900", "--lang=zh-CN", "--no-first-run", "--disable-extensions");
        options.AddUserProfilePreference("intl.accept_languages", "zh-CN,zh");
        return new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }

    private static async Task PostAsync(HttpClient http, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/onebot/v11") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Signature", GroupGuardFactory.Sign(body));
        using var response = await http.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.NoContent, response.StatusCode);
    }

    /// <summary>Polls the page until <paramref name="condition"/> holds; the timeout only turns a hang into a failure.</summary>
    private static void Wait(IWebDriver browser, Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (condition())
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is NoSuchElementException or StaleElementReferenceException
                || (ex is UnknownErrorException && ex.Message.Contains("does not belong to the document", StringComparison.Ordinal)))
            {
                // The page is still changing (Chromium reports an element replaced while it was
                // read as an unknown error, not as a stale reference).
            }

            if (clock.Elapsed > Patience)
            {
                Assert.Fail($"waited {Patience.TotalSeconds:0} s for {what}; the page is {browser.Url}:\n{browser.PageSource[..Math.Min(2000, browser.PageSource.Length)]}");
            }

            Thread.Sleep(50);
        }
    }

    private static List<string> ScreenshotFolders()
    {
        var folders = new List<string> { Path.Combine(AppContext.BaseDirectory, "screenshots") };
        if (Environment.GetEnvironmentVariable("GG_SCREENSHOTS") is { Length: > 0 } extra)
        {
            folders.Add(extra);
        }

        foreach (var folder in folders)
        {
            Directory.CreateDirectory(folder);
        }

        return folders;
    }

    /// <summary>
    /// Saves the whole page, not only the window's height of it (the overview's bridges are at its
    /// foot): headless Chromium keeps its window to the screen, so the page is shown as on a taller one.
    /// </summary>
    private static void SaveWhole(ChromeDriver browser, List<string> folders, string name)
    {
        var width = Convert.ToInt64(browser.ExecuteScript("return document.documentElement.clientWidth;"), CultureInfo.InvariantCulture);
        var height = Convert.ToInt64(browser.ExecuteScript("return document.documentElement.scrollHeight;"), CultureInfo.InvariantCulture);
        browser.ExecuteCdpCommand("Emulation.setDeviceMetricsOverride", new Dictionary<string, object?> { ["width"] = width, ["height"] = height, ["deviceScaleFactor"] = 1, ["mobile"] = false });
        try
        {
            Save(browser, folders, name);
        }
        finally
        {
            browser.ExecuteCdpCommand("Emulation.clearDeviceMetricsOverride", new Dictionary<string, object?>());
        }
    }

    private static void Save(ITakesScreenshot browser, List<string> folders, string name)
    {
        var shot = browser.GetScreenshot();
        foreach (var folder in folders)
        {
            shot.SaveAsFile(Path.Combine(folder, name));
        }
    }
}
