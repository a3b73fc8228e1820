using System.Net;
using System.Text.Json;

namespace GroupGuard.Host.Tests;

/// <summary>Editing the rules folder while the service runs.</summary>
public sealed class RuleReloadTests
{
    private static async Task<JsonElement> HealthAsync(GroupGuardFactory service)
    {
        using var document = JsonDocument.Parse(await service.CreateClient().GetStringAsync("/healthz"));
        return document.RootElement.Clone();
    }

    private static async Task<JsonElement> WaitForAsync(GroupGuardFactory service, Func<JsonElement, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        JsonElement health;
        do
        {
            health = await HealthAsync(service);
            if (condition(health))
            {
                return health;
            }

            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Fail("the rules were not reloaded within 10 s: " + health);
        return health;
    }

    [Fact]
    public async Task A_changed_rule_file_is_in_force_within_seconds_and_a_bad_edit_keeps_the_last_good_set()
    {
        using var service = new GroupGuardFactory();
        var first = await HealthAsync(service);
        var firstVersion = first.GetProperty("rules").GetProperty("version").GetString();
        var pack = Path.Combine(service.Folder, "rules", "test.yaml");

        // A new term: messages with it are flagged once the set is reloaded.
        File.WriteAllText(pack, GroupGuardFactory.RulePack.Replace("[加微信, 私聊领取]", "[加微信, 私聊领取, 今天的作业]", StringComparison.Ordinal));
        var started = DateTime.UtcNow;
        var reloaded = await WaitForAsync(service, h => h.GetProperty("rules").GetProperty("version").GetString() != firstVersion);
        var took = DateTime.UtcNow - started;
        Assert.Equal(HttpStatusCode.NoContent, (await service.PostV11Async(GroupGuardFactory.Sample("lagrange-group.json"))).StatusCode);
        var incident = Assert.Single(await service.IncidentsAfterAsync(1));
        Assert.Equal("今天的作业", incident.MatchedTerm);
        Assert.Equal(reloaded.GetProperty("rules").GetProperty("version").GetString(), incident.RuleSetVersion);
        Assert.True(took < TimeSpan.FromSeconds(5), $"reload took {took}");

        // A broken edit: reported with path and line; the set in force stays.
        File.WriteAllText(pack, "pack: test-ads\nrules:\n  - id: ads.contact\n    severity: dire\n    terms: [x1]\n");
        var broken = await WaitForAsync(service, h => h.GetProperty("rules").GetProperty("status").GetString() == "errors");
        Assert.Equal("degraded", broken.GetProperty("status").GetString());
        Assert.Contains(broken.GetProperty("rules").GetProperty("errors").EnumerateArray(), e => e.GetString()!.Contains("test.yaml:4:", StringComparison.Ordinal));
        Assert.Equal(reloaded.GetProperty("rules").GetProperty("version").GetString(), broken.GetProperty("rules").GetProperty("version").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await service.PostV11Async(GroupGuardFactory.Sample("napcat-group-array.json"))).StatusCode);
        Assert.Equal(2, (await service.IncidentsAfterAsync(2)).Count);
    }
}
