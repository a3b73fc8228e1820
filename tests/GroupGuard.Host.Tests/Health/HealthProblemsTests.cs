using System.Globalization;
using System.Text.Json;
using GroupGuard.Core;
using GroupGuard.Core.Rules;
using GroupGuard.Host.Digests;
using GroupGuard.Host.Health;

namespace GroupGuard.Host.Tests.Health;

/// <summary>
/// /healthz says "degraded", with each problem in a few words, when the service runs but does not
/// hear or tell as it should: a connection down past a minute, a digest or alert failing, rule errors.
/// </summary>
public sealed class HealthProblemsTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-06T08:00:00Z", CultureInfo.InvariantCulture);
    private static readonly RuleSetStatus GoodRules = new("rules", Now.AddHours(-1), [], []);

    private static ConnectionState Connection(string name, bool connected, DateTimeOffset? since, Protocol protocol = Protocol.OneBotV11) =>
        new(protocol, name, "10001", connected, since, null, connected ? null : "Connection refused");

    [Fact]
    public void A_connection_down_for_a_minute_or_more_is_a_problem_and_one_reconnecting_is_not()
    {
        var problems = HealthEndpoint.Problems(
            GoodRules,
            [
                Connection("ws://127.0.0.1:3001/", connected: true, Now.AddHours(-2)),
                Connection("ws://127.0.0.1:3002/", connected: false, Now.AddSeconds(-20)),  // a bot restarting
                Connection("ws://127.0.0.1:3003/", connected: false, Now.AddMinutes(-5)),
                Connection("chat archive of ww123", connected: false, null, Protocol.WeComArchive), // never came up
            ],
            [],
            Now);

        Assert.Equal(
            ["connection onebot.v11 ws://127.0.0.1:3003/: down since 2026-12-06T07:55:00Z", "connection wecom.archive chat archive of ww123: down"],
            problems);
    }

    [Fact]
    public void A_failing_digest_or_alert_is_named_with_its_channels_and_rule_errors_are_counted()
    {
        var problems = HealthEndpoint.Problems(
            GoodRules with { Errors = ["ads.yaml:3: bad regex"], ErrorTotal = 2 },
            [],
            [
                new DigestService.LeaderDigestState("张老师", Now, ["wecom: HTTP 500", "email: 550 mailbox full"]),
                new DigestService.LeaderDigestState("alert:serious", Now, ["dingtalk: timed out"]),
                new DigestService.LeaderDigestState("李老师", Now, []),
            ],
            Now);

        Assert.Equal(["rules: 2 error(s)", "digest 张老师: failing on wecom, email", "alert serious: failing on dingtalk"], problems);
    }

    [Fact]
    public void Problems_past_twenty_are_counted_not_listed()
    {
        var down = Enumerable.Range(0, 50).Select(i => Connection($"ws://127.0.0.1:{4000 + i}/", connected: false, Now.AddHours(-1))).ToList();

        var problems = HealthEndpoint.Problems(GoodRules, down, [], Now);

        Assert.Equal(HealthEndpoint.MaxProblems, problems.Count);
        Assert.Equal("and 31 more", problems[^1]);
    }

    [Fact]
    public async Task A_service_with_nothing_wrong_is_healthy_with_no_problems()
    {
        using var service = new GroupGuardFactory();

        var body = JsonDocument.Parse(await service.CreateClient().GetStringAsync("/healthz")).RootElement;

        Assert.Equal("healthy", body.GetProperty("status").GetString());
        Assert.Equal(0, body.GetProperty("problems").GetArrayLength());
    }
}
