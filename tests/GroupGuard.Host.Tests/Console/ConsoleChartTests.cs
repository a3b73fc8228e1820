using System.Buffers.Binary;
using System.Net;
using GroupGuard.Core;
using GroupGuard.Core.Accounts;
using GroupGuard.Core.Digests.Charts;
using GroupGuard.Host.WebConsole.Pages;
using Microsoft.Extensions.DependencyInjection;

namespace GroupGuard.Host.Tests.Console;

/// <summary>The overview's chart as a picture, for a browser without scripts: the same renderer as the email digest.</summary>
public sealed class ConsoleChartTests
{
    [Fact]
    public async Task The_chart_png_is_drawn_for_the_signed_in_account_and_a_leader_sees_only_their_groups()
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        await ConsoleSession.AddAccountAsync(service, "leader", AccountRole.Leader, "111111");
        var store = service.Services.GetRequiredService<IIncidentStore>();
        var now = DateTimeOffset.UtcNow;
        await store.AddAsync(
            [
                Incidents.Of("p1", time: now.AddHours(-1), category: "ads", group: "111111"),
                Incidents.Of("p2", time: now.AddDays(-2), category: "fraud", group: "222222"),
            ],
            CancellationToken.None);
        using var admin = new ConsoleSession(service);
        using var leader = new ConsoleSession(service);
        using var _ = await admin.SignInAsync("admin");
        using var __ = await leader.SignInAsync("leader");

        var expectedBefore = await ExpectedAsync(service, ["111111"]);
        using var adminChart = await admin.GetAsync("/console/chart.png");
        using var leaderChart = await leader.GetAsync("/console/chart.png");
        var expectedAfter = await ExpectedAsync(service, ["111111"]);
        var overview = await admin.PageAsync("/console");

        Assert.Equal(HttpStatusCode.OK, adminChart.StatusCode);
        Assert.Equal("image/png", adminChart.Content.Headers.ContentType?.MediaType);
        var adminPng = await adminChart.Content.ReadAsByteArrayAsync();
        Assert.Equal([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], adminPng[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(adminPng, 12, 4));
        Assert.Equal(IncidentChart.Width, BinaryPrimitives.ReadInt32BigEndian(adminPng.AsSpan(16)));
        Assert.Equal(IncidentChart.Height, BinaryPrimitives.ReadInt32BigEndian(adminPng.AsSpan(20)));
        Assert.Equal(HttpStatusCode.OK, leaderChart.StatusCode);
        var leaderPng = await leaderChart.Content.ReadAsByteArrayAsync();
        // The leader's picture is that of their group alone (drawn again here, on either side of
        // the requests in case a day ended between them), and not the admin's.
        Assert.True(leaderPng.AsSpan().SequenceEqual(expectedBefore) || leaderPng.AsSpan().SequenceEqual(expectedAfter), "the leader's chart is not that of group 111111");
        Assert.NotEqual(adminPng, leaderPng);
        Assert.Contains("<noscript>", overview, StringComparison.Ordinal);
        Assert.Matches("<noscript>\\s*<img id=\"per-day-png\" src=\"/console/chart.png\" alt=\"[^\"]+\" width=\"720\" height=\"300\">", overview);
    }

    [Fact]
    public async Task Without_a_session_the_chart_png_sends_to_the_sign_in_page()
    {
        using var service = new GroupGuardFactory();
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var browser = new ConsoleSession(service);

        using var response = await browser.GetAsync("/console/chart.png");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/console/login", ConsoleSession.PathOf(response.Headers.Location));
        Assert.NotEqual("image/png", response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>The chart the overview's period gives for <paramref name="scope"/>, drawn here.</summary>
    private static async Task<byte[]> ExpectedAsync(GroupGuardFactory service, IReadOnlyCollection<string> scope)
    {
        var (from, to, offset) = IndexModel.Period(TimeProvider.System, TimeProvider.System.LocalTimeZone);
        var overview = await service.Services.GetRequiredService<IIncidentBrowser>().OverviewAsync(from, to, offset, scope, 1, CancellationToken.None);
        return IncidentChart.Render(overview.PerDay, IndexModel.FirstDay(from, offset));
    }
}
