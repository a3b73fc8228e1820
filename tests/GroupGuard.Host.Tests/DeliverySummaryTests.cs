using GroupGuard.Channels;
using GroupGuard.Core.Digests;
using GroupGuard.Host.Digests;

namespace GroupGuard.Host.Tests;

/// <summary>
/// A first start says where digests and alerts go, which the log never said: on the defaults the
/// folders the Markdown files are written to, and that configuring leaders sends them to people;
/// configured, each leader and rule with its channels by name and type, never a robot's address.
/// </summary>
public sealed class DeliverySummaryTests
{
    [Fact]
    public void On_the_defaults_the_log_names_the_folders_digests_and_alerts_are_written_to()
    {
        var channels = new DigestChannelsOptions();
        channels.Channels[DigestRegistration.DefaultChannel] = new FileChannelOptions { Path = "data/digests" };
        channels.Channels[DigestRegistration.DefaultAlertChannel] = new FileChannelOptions { Path = "data/alerts" };

        var line = DeliverySummary.Describe(
            [new LeaderOptions { Name = "default", Groups = ["*"], Channels = [DigestRegistration.DefaultChannel] }],
            [new AlertRuleOptions { Name = "default", Groups = ["*"], Channels = [DigestRegistration.DefaultAlertChannel] }],
            channels);

        Assert.StartsWith($"Digests: default (0 0 8 * * ? Asia/Shanghai) to file {Path.GetFullPath("data/digests")}, the default while GroupGuard:Leaders names no leader. ", line, StringComparison.Ordinal);
        Assert.Contains($"Alerts: default (high and above) to file {Path.GetFullPath("data/alerts")}, the default while GroupGuard:Leaders and GroupGuard:Alerts name none.", line, StringComparison.Ordinal);
        Assert.EndsWith("configure leaders, channels and alerts: README, Digests and Immediate alerts", line, StringComparison.Ordinal);
    }

    /// <summary>The example settings' alert robot and a leader left out: the robot by name and type (its address holds its key), the default leader still said.</summary>
    [Fact]
    public void Configured_channels_are_named_by_name_and_type_without_their_address()
    {
        var channels = new DigestChannelsOptions();
        channels.Channels["office-robot"] = new WeComChannelOptions { Url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=secret-robot-key" };

        var line = DeliverySummary.Describe(
            [new LeaderOptions { Name = "王主任", Schedule = "0 0 18 * * ?", Channels = ["office-robot"] }],
            [new AlertRuleOptions { Name = "office", MinSeverity = "critical", Channels = ["office-robot"] }],
            channels);

        Assert.Equal("Digests: 王主任 (0 0 18 * * ? Asia/Shanghai) to office-robot (wecom). Alerts: office (critical and above) to office-robot (wecom).", line);
    }
}
