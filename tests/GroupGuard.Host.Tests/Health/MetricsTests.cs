using System.Net;
using System.Text.RegularExpressions;

namespace GroupGuard.Host.Tests.Health;

/// <summary>
/// GroupGuard:Telemetry:Prometheus=true serves /metrics, and its counters move with traffic:
/// messages received and moderated per protocol, incidents by category and action status, the
/// detection time per message; without the setting there is no /metrics.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed partial class MetricsTests
{
    [Fact]
    public async Task Metrics_move_with_the_messages_and_incidents()
    {
        using var service = new GroupGuardFactory(new Dictionary<string, string?> { ["GroupGuard:Telemetry:Prometheus"] = "true" });
        var client = service.CreateClient();
        var before = await ScrapeAsync(client);

        await service.PostV11Async(GroupGuardFactory.GroupEvent(901, "加微信领资料"));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(902, "今天几点放学"));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(901, "加微信领资料")); // a redelivery: taken in once
        await service.IncidentsAfterAsync(2);
        var after = await ScrapeAsync(client);

        Assert.Equal(2, Value(after, "groupguard_messages_received_total", "protocol=\"onebot.v11\"") - Value(before, "groupguard_messages_received_total", "protocol=\"onebot.v11\""));
        Assert.Equal(2, Value(after, "groupguard_messages_processed_total", "protocol=\"onebot.v11\"") - Value(before, "groupguard_messages_processed_total", "protocol=\"onebot.v11\""));
        Assert.Equal(1, Value(after, "groupguard_incidents_total", "category=\"ads\""));
        Assert.Equal(2, Value(after, "groupguard_detection_duration_milliseconds_count", null));
        Assert.Contains("groupguard_queue_length", after, StringComparison.Ordinal);
        Assert.DoesNotContain("123456", after, StringComparison.Ordinal); // no group id in any series
    }

    [Fact]
    public async Task Incidents_are_counted_by_the_action_decided_so_a_log_only_rule_s_are_not_read_as_carried_out()
    {
        const string Pack = """
            pack: test-mixed
            category: ads
            severity: medium
            action: recall
            rules:
              - id: ads.contact
                terms: [加微信]
              - id: ads.watch
                terms: [私聊领取]
                action: log
            """;
        using var service = new GroupGuardFactory(new Dictionary<string, string?> { ["GroupGuard:Telemetry:Prometheus"] = "true" }, Pack);
        var client = service.CreateClient();

        await service.PostV11Async(GroupGuardFactory.GroupEvent(921, "加微信领资料"));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(922, "私聊领取资料"));
        await service.IncidentsAfterAsync(2);
        var after = await ScrapeAsync(client);

        // A log-only rule's incident is done (recorded), and its action label says that was all.
        Assert.Equal(1, Value(after, "groupguard_incidents_total", "action=\"log\",category=\"ads\",status=\"done\""));
        Assert.Equal(1, Value(after, "groupguard_incidents_total", "action=\"recall\",category=\"ads\""));
        Assert.Equal(2, Value(after, "groupguard_incidents_total", "category=\"ads\""));
    }

    [Fact]
    public async Task Action_times_are_by_platform_action_and_outcome()
    {
        await using var api = FakeOneBotApi.Start();
        api.Script("delete_msg", FakeAnswer.Failed(100, "message not found"));
        using var service = new GroupGuardFactory(GroupGuardFactory.OneBotApi(api.BaseUrl, [("GroupGuard:Telemetry:Prometheus", "true")]));
        var client = service.CreateClient();

        await service.PostV11Async(GroupGuardFactory.GroupEvent(911, "加微信领资料"));
        await service.SettledAsync(1, i => i.MessageId == "911");
        var after = await ScrapeAsync(client);

        const string Failed = "action=\"recall\",platform=\"qq\",status=\"failed\"";
        Assert.Equal(1, Value(after, "groupguard_actions_total", Failed));
        Assert.Equal(1, Value(after, "groupguard_action_duration_milliseconds_count", Failed));
        Assert.Equal(0, Value(after, "groupguard_action_duration_milliseconds_count", "status=\"done\""));
    }

    [Fact]
    public void Platform_names_that_label_series_are_plain_and_few()
    {
        using var service = new GroupGuardFactory();
        var metrics = (GroupGuard.Host.Telemetry.GroupGuardMetrics)service.Services.GetService(typeof(GroupGuard.Host.Telemetry.GroupGuardMetrics))!;

        Assert.Equal("qq", metrics.PlatformLabel("qq"));
        Assert.Equal("other", metrics.PlatformLabel("QQ <script>"));
        Assert.Equal("other", metrics.PlatformLabel(new string('a', 33)));
        var labels = Enumerable.Range(0, 100).Select(i => metrics.PlatformLabel($"bridge-{i}")).ToList();
        Assert.Equal(GroupGuard.Host.Telemetry.GroupGuardMetrics.MaxPlatforms - 1, labels.Count(l => l != "other")); // qq took one place
        Assert.Equal("qq", metrics.PlatformLabel("qq"));
    }

    [Fact]
    public async Task Without_the_setting_there_is_no_metrics_endpoint()
    {
        using var service = new GroupGuardFactory();

        var response = await service.CreateClient().GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static async Task<string> ScrapeAsync(HttpClient client)
    {
        var response = await client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The sum of the series of <paramref name="metric"/> whose labels contain <paramref name="label"/> (0 when none).</summary>
    private static double Value(string scrape, string metric, string? label) =>
        scrape.Split('\n')
            .Where(l => l.StartsWith(metric, StringComparison.Ordinal) && (l.Length == metric.Length || l[metric.Length] is '{' or ' '))
            .Where(l => label is null || l.Contains(label, StringComparison.Ordinal))
            .Select(l => SampleValue().Match(l))
            .Where(m => m.Success)
            .Sum(m => double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));

    [GeneratedRegex(@"\s(-?[0-9.eE+]+)(?:\s+\d+)?$")]
    private static partial Regex SampleValue();
}
