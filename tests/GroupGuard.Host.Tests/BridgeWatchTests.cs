using System.Text.Json;
using GroupGuard.Host.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.Host.Tests;

/// <summary>
/// An operator whose bridge is set up wrongly saw nothing: the log ended at "Application started"
/// and /healthz said healthy with no adapters. Now the start says where bridges should reach the
/// service, and when none has been heard from within GroupGuard:Pipeline:NoBridgeWarningMinutes a
/// warning says so with the common causes, and /healthz is degraded until the first event.
/// </summary>
public sealed class BridgeWatchTests
{
    private static GroupGuardFactory Service(FakeTimeProvider clock, params (string Key, string? Value)[] settings) => new(
        settings.ToDictionary(s => s.Key, s => s.Value),
        services: services => services.Replace(ServiceDescriptor.Singleton(provider => ActivatorUtilities.CreateInstance<BridgeWatch>(provider, (TimeProvider)clock))));

    [Fact]
    public async Task The_start_says_where_each_way_in_waits_and_what_it_connects_to_without_a_token()
    {
        const string forwardToken = "forward-token-of-2026-xyz";
        using var service = new GroupGuardFactory(new Dictionary<string, string?>
        {
            ["GroupGuard:OneBot:Connections:0:Url"] = "ws://127.0.0.1:9/",
            ["GroupGuard:OneBot:Connections:0:AccessToken"] = forwardToken,
        });

        _ = service.CreateClient();
        var line = await service.Logs.WaitFor(e => e.Message.StartsWith("Waiting for bridges: ", StringComparison.Ordinal), "the start's line of where bridges should reach the service");

        Assert.Equal(LogLevel.Information, line.Level);
        Assert.Equal(
            "Waiting for bridges: OneBot v11 HTTP POST http://127.0.0.1:5140/onebot/v11, reverse WebSocket ws://127.0.0.1:5140/onebot/v11/ws; " +
            "OneBot v12 POST http://127.0.0.1:5140/onebot/v12; Milky WebHook POST http://127.0.0.1:5140/milky; " +
            "and connecting to OneBot v11 forward WebSocket ws://127.0.0.1:9/",
            line.Message);
        Assert.DoesNotContain(service.Logs.Entries, e => e.Message.Contains(forwardToken, StringComparison.Ordinal) || e.Message.Contains(GroupGuardFactory.AccessToken, StringComparison.Ordinal));
    }

    [Fact]
    public async Task No_bridge_heard_within_the_grace_is_a_warning_and_a_problem_until_the_first_heartbeat()
    {
        var clock = new FakeTimeProvider();
        using var service = Service(clock);
        var client = service.CreateClient();
        Assert.DoesNotContain(await ProblemsAsync(client), p => p.StartsWith("bridges:", StringComparison.Ordinal));

        clock.Advance(TimeSpan.FromMinutes(5));

        var warning = await service.Logs.WaitFor(e => e.Message.StartsWith("Nothing has arrived from any bridge", StringComparison.Ordinal), "the warning that no bridge was heard from");
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("in the 5 minute(s) since the start", warning.Message, StringComparison.Ordinal);
        Assert.Contains("Bridges should reach OneBot v11 HTTP POST http://127.0.0.1:5140/onebot/v11, reverse WebSocket ws://127.0.0.1:5140/onebot/v11/ws", warning.Message, StringComparison.Ordinal);
        Assert.Contains("its token does not match GroupGuard:OneBot:Secret", warning.Message, StringComparison.Ordinal);
        Assert.Contains("a firewall", warning.Message, StringComparison.Ordinal);
        Assert.Contains("GroupGuard listens on this machine only (http://127.0.0.1:5140) while the bridge runs in another container", warning.Message, StringComparison.Ordinal);
        using (var health = JsonDocument.Parse(await client.GetStringAsync("/healthz")))
        {
            Assert.Equal("degraded", health.RootElement.GetProperty("status").GetString());
            var problem = Assert.Single(health.RootElement.GetProperty("problems").EnumerateArray(), p => p.GetString()!.StartsWith("bridges:", StringComparison.Ordinal));
            Assert.StartsWith("bridges: nothing heard from any bridge (no event, not even a heartbeat) in the 5 minute(s) since the start; they should reach OneBot v11 HTTP POST", problem.GetString(), StringComparison.Ordinal);
        }

        // A heartbeat is a bridge heard from.
        Assert.Equal(System.Net.HttpStatusCode.NoContent, (await service.PostV11Async(GroupGuardFactory.Sample("napcat-heartbeat.json"))).StatusCode);

        Assert.DoesNotContain(await ProblemsAsync(client), p => p.StartsWith("bridges:", StringComparison.Ordinal));
        Assert.Single(service.Logs.Entries, e => e.Message.StartsWith("Nothing has arrived from any bridge", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_bridge_heard_before_the_grace_ends_means_no_warning()
    {
        var clock = new FakeTimeProvider();
        using var service = Service(clock);
        var client = service.CreateClient();

        await service.PostV11Async(GroupGuardFactory.Sample("napcat-heartbeat.json"));
        clock.Advance(TimeSpan.FromMinutes(5));

        Assert.DoesNotContain(await ProblemsAsync(client), p => p.StartsWith("bridges:", StringComparison.Ordinal));
        Assert.DoesNotContain(service.Logs.Entries, e => e.Message.StartsWith("Nothing has arrived from any bridge", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Zero_minutes_turns_the_warning_off()
    {
        var clock = new FakeTimeProvider();
        using var service = Service(clock, ("GroupGuard:Pipeline:NoBridgeWarningMinutes", "0"));
        var client = service.CreateClient();

        clock.Advance(TimeSpan.FromDays(1));

        Assert.DoesNotContain(await ProblemsAsync(client), p => p.StartsWith("bridges:", StringComparison.Ordinal));
        Assert.DoesNotContain(service.Logs.Entries, e => e.Message.StartsWith("Nothing has arrived from any bridge", StringComparison.Ordinal));
        Assert.Contains(service.Logs.Entries, e => e.Message.StartsWith("Waiting for bridges: ", StringComparison.Ordinal)); // the start's line stays
    }

    private static async Task<List<string>> ProblemsAsync(HttpClient client)
    {
        using var health = JsonDocument.Parse(await client.GetStringAsync("/healthz"));
        return [.. health.RootElement.GetProperty("problems").EnumerateArray().Select(p => p.GetString()!)];
    }
}
