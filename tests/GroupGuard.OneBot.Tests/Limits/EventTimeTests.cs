using GroupGuard.Core;
using GroupGuard.OneBot.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace GroupGuard.OneBot.Tests.Limits;

public sealed class EventTimeTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private static WebhookResult ReceiveV11At(DateTimeOffset time, string sample = "V11/napcat-group-array.json")
    {
        var node = Samples.Node(sample);
        node["time"] = time.ToUnixTimeSeconds();
        return Receivers.Create(now: Now).ReceiveV11(node.Utf8(), null);
    }

    [Fact]
    public void A_message_from_2099_is_a_bad_request_naming_the_field_and_both_times()
    {
        var result = ReceiveV11At(new DateTimeOffset(2099, 1, 1, 0, 0, 0, TimeSpan.Zero));

        Assert.Equal(400, result.StatusCode);
        Assert.Null(result.Event);
        Assert.Equal("field 'time' 2099-01-01T00:00:00Z is more than 24 hours ahead of the server clock 2026-03-01T08:00:00Z", result.Error);
    }

    [Fact]
    public void A_message_from_year_one_is_a_bad_request()
    {
        var result = ReceiveV11At(new DateTimeOffset(1, 1, 1, 0, 0, 0, TimeSpan.Zero));

        Assert.Equal(400, result.StatusCode);
        Assert.Equal("field 'time' 0001-01-01T00:00:00Z is more than 7 days behind the server clock 2026-03-01T08:00:00Z", result.Error);
    }

    [Fact]
    public void The_bots_own_message_is_held_to_the_same_clock()
    {
        var result = ReceiveV11At(Now.AddDays(30), "V11/napcat-message-sent.json");

        Assert.Equal(400, result.StatusCode);
        Assert.Contains("ahead of the server clock", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-7 * 24 * 60 - 1, 400)]
    [InlineData(-7 * 24 * 60, 204)]
    [InlineData(-6 * 60, 204)] // a redelivery after a night of downtime
    [InlineData(10, 204)]
    [InlineData(60, 204)] // this machine's clock an hour behind: moderated, and /healthz says so (Host tests)
    [InlineData(8 * 60, 204)] // a local time zone taken for UTC
    [InlineData(24 * 60, 204)]
    [InlineData(24 * 60 + 1, 400)]
    public void Messages_up_to_a_day_ahead_and_seven_days_behind_are_accepted(int minutesFromNow, int status)
    {
        Assert.Equal(status, ReceiveV11At(Now.AddMinutes(minutesFromNow)).StatusCode);
    }

    [Fact]
    public void A_v12_message_too_far_ahead_is_a_bad_request()
    {
        var node = Samples.Node("V12/comwechat-group-mention.json");
        node["time"] = Now.AddHours(25).ToUnixTimeSeconds() + 0.5;

        var result = Receivers.Create(now: Now).ReceiveV12(node.Utf8(), null);

        Assert.Equal(400, result.StatusCode);
        Assert.StartsWith("field 'time' 2026-03-02T09:00:00Z is more than 24 hours ahead", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("V11/napcat-heartbeat.json")]
    [InlineData("V11/lagrange-lifecycle-connect.json")]
    [InlineData("V11/napcat-group-recall.json")]
    public void Heartbeats_and_notices_are_not_held_to_the_clock(string sample)
    {
        var result = ReceiveV11At(new DateTimeOffset(1980, 1, 1, 0, 0, 0, TimeSpan.Zero), sample);

        Assert.Equal(204, result.StatusCode);
    }

    [Fact]
    public void A_v12_heartbeat_with_an_odd_time_is_accepted()
    {
        var node = Samples.Node("V12/comwechat-meta-heartbeat.json");
        node["time"] = 4_102_444_800; // 2100

        Assert.Equal(InboundEventKind.Meta, Receivers.Create(now: Now).ReceiveV12(node.Utf8(), null).Event?.Kind);
    }

    [Fact]
    public void The_receiver_from_the_container_reads_the_registered_clock()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(Now));
        services.AddGroupGuardOneBot(new ConfigurationBuilder().Build());
        using var provider = services.BuildServiceProvider();
        var receiver = provider.GetRequiredService<OneBotWebhookReceiver>();
        var node = Samples.Node("V11/napcat-group-array.json");
        node["time"] = Now.AddMinutes(-1).ToUnixTimeSeconds();

        Assert.Equal(204, receiver.ReceiveV11(node.Utf8(), null).StatusCode);
    }

    [Fact]
    public void Without_a_registered_clock_the_container_uses_the_system_clock()
    {
        var services = new ServiceCollection();
        services.AddGroupGuardOneBot(new ConfigurationBuilder().Build());
        using var provider = services.BuildServiceProvider();
        var receiver = provider.GetRequiredService<OneBotWebhookReceiver>();

        // The sample is from 2025: behind any clock this code runs under.
        var result = receiver.ReceiveV11(Samples.Bytes("V11/napcat-group-array.json"), null);

        Assert.Equal(400, result.StatusCode);
        Assert.Contains("days behind the server clock", result.Error, StringComparison.Ordinal);
    }
}
