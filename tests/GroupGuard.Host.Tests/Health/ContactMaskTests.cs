using System.Text.Json.Nodes;
using GroupGuard.Channels.Tests.Support;
using GroupGuard.Core.Accounts;
using GroupGuard.Host.Cli;
using GroupGuard.Host.Digests;
using GroupGuard.Host.Health;
using GroupGuard.Host.Tests.Console;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GroupGuard.Host.Tests.Health;

/// <summary>/healthz, read without signing in, masks the contact details a channel's error may name.</summary>
public sealed class ContactMaskTests
{
    [Fact]
    public void A_configured_qq_number_is_masked_and_an_errcode_or_other_number_stays_readable()
    {
        var mask = ContactMask.Of("123456789");

        Assert.Equal(
            "onebot channel 'wang-qq': the QQ private message to 1***89 failed (Failed): errcode 460101, retcode 1234567890, 91234567891",
            mask.Apply("onebot channel 'wang-qq': the QQ private message to 123456789 failed (Failed): errcode 460101, retcode 1234567890, 91234567891"));
    }

    [Fact]
    public void Every_email_address_keeps_its_first_character_and_its_domain()
    {
        var mask = ContactMask.Of();

        Assert.Equal(
            "the server refused the recipient \"王经理\" <w***@example.com> (550): 5.1.1 <d***@example.com> unknown; login for b***@mail.example.org; 王***@例子.中国",
            mask.Apply("the server refused the recipient \"王经理\" <wang@example.com> (550): 5.1.1 <deputy@example.com> unknown; login for bot@mail.example.org; 王主任@例子.中国"));
    }

    [Fact]
    public void The_recipients_are_read_from_every_channel_s_UserId_and_To_in_each_form()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GroupGuard:Channels:wang-qq:Type"] = "onebot",
            ["GroupGuard:Channels:wang-qq:UserId"] = "123456789",
            ["GroupGuard:Channels:li-qq:Type"] = "onebot",
            ["GroupGuard:Channels:li-qq:UserId"] = " 87654321 ",
            ["GroupGuard:Channels:wang-mail:Type"] = "email",
            ["GroupGuard:Channels:wang-mail:To:0"] = "王经理 <\"wang xiao\"@example.com>",
            ["GroupGuard:Channels:li-mail:Type"] = "email",
            ["GroupGuard:Channels:li-mail:To"] = "li@example.com",
        }).Build();

        var mask = ContactMask.FromSettings(configuration);

        Assert.Equal(
            "to 1***89, to 8***21, to \"***@example.com, to l***@example.com",
            mask.Apply("to 123456789, to 87654321, to \"wang xiao\"@example.com, to li@example.com"));
    }

    /// <summary>A leader, 王主任, with a QQ channel (123456789) and a mail channel (wang@example.com, through <paramref name="smtpPort"/> when given).</summary>
    private static Dictionary<string, string?> WangsChannels(int? smtpPort)
    {
        var settings = new Dictionary<string, string?>
        {
            ["GroupGuard:Leaders:0:Name"] = "王主任",
            ["GroupGuard:Leaders:0:Groups:0"] = "*",
            ["GroupGuard:Leaders:0:Schedule"] = "0 0 8 * * ?",
            ["GroupGuard:Leaders:0:Channels:0"] = "wang-qq",
            ["GroupGuard:Leaders:0:Channels:1"] = "wang-mail",
            ["GroupGuard:Channels:wang-qq:Type"] = "onebot",
            ["GroupGuard:Channels:wang-qq:UserId"] = "123456789",
            ["GroupGuard:Channels:wang-mail:Type"] = "email",
            ["GroupGuard:Channels:wang-mail:Host"] = "127.0.0.1",
            ["GroupGuard:Channels:wang-mail:From"] = "GroupGuard <bot@example.com>",
            ["GroupGuard:Channels:wang-mail:To:0"] = "王主任 <wang@example.com>",
        };
        if (smtpPort is { } port)
        {
            settings["GroupGuard:Channels:wang-mail:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return settings;
    }

    [Fact]
    public async Task Healthz_masks_the_recipients_a_failing_channel_names_and_the_console_and_digest_list_show_them_whole()
    {
        await using var smtp = new SmtpSink { AcceptRecipient = static _ => false };
        using var service = new GroupGuardFactory(WangsChannels(smtp.Port));
        await ConsoleSession.AddAccountAsync(service, "admin", AccountRole.Admin);
        using var browser = new ConsoleSession(service);
        using var signedIn = await browser.SignInAsync("admin");

        // Sent now from the console: no QQ bot takes the message, the mail server refuses the recipient.
        using var sent = await browser.PostFormAsync("/console/digests", "/console/digests?handler=Send&leader=" + Uri.EscapeDataString("王主任"), new Dictionary<string, string>());
        var page = await browser.PageAsync("/console/digests");
        var list = new StringWriter();
        await DigestCommand.ListAsync(service.Services.GetRequiredService<DigestService>(), "王主任", jsonl: false, keys: false, list, CancellationToken.None);
        using var anyone = service.CreateClient();
        var health = JsonNode.Parse(await anyone.GetStringAsync(new Uri("/healthz", UriKind.Relative)))!;

        var failed = Assert.Single(health["digests"]!.AsArray(), d => d!["leader"]!.GetValue<string>() == "王主任")!["failed_channels"]!
            .AsArray().Select(f => f!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2, failed.Count);
        Assert.StartsWith("wang-mail: ", failed[0], StringComparison.Ordinal);
        Assert.Contains("w***@example.com", failed[0], StringComparison.Ordinal);
        Assert.StartsWith("wang-qq: ", failed[1], StringComparison.Ordinal);
        Assert.Contains("1***89", failed[1], StringComparison.Ordinal);
        Assert.All(failed, f => Assert.DoesNotContain("wang@example.com", f, StringComparison.Ordinal));
        Assert.All(failed, f => Assert.DoesNotContain("123456789", f, StringComparison.Ordinal));
        foreach (var whole in new[] { page, list.ToString() })
        {
            Assert.Contains("wang@example.com", whole, StringComparison.Ordinal);
            Assert.Contains("123456789", whole, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_next_digest_reports_a_channel_that_gave_up_with_its_recipients_masked()
    {
        using var service = new GroupGuardFactory(WangsChannels(smtpPort: null));
        _ = service.CreateClient();
        var digests = service.Services.GetRequiredService<DigestService>();
        var leader = digests.Leader("王主任")!;
        var to = digests.Now;
        // Yesterday's digest: both channels gave up, their errors naming the recipient.
        var yesterday = await digests.Outbox.CreateAsync(new GroupGuard.Core.Digests.DigestRecord
        {
            Leader = leader.Name, PeriodFrom = to.AddDays(-2), PeriodTo = to.AddDays(-1), Status = GroupGuard.Core.Digests.DigestStatus.Pending,
            CreatedAt = to.AddDays(-1), Title = "群管日报", Markdown = "无违规", Text = "无违规", Html = "<p>无违规</p>", IncidentIds = [],
            Channels = leader.Channels.ToDictionary(c => c, _ => new GroupGuard.Core.Digests.ChannelOutcome(GroupGuard.Core.Digests.ChannelStatus.Pending, 0, null, null)),
        }, CancellationToken.None);
        await digests.Outbox.UpdateChannelAsync(yesterday.Id, "wang-qq", new(GroupGuard.Core.Digests.ChannelStatus.Failed, DigestService.MaxAttempts, "QQ 123456789 is not a friend of the bot (retcode 1200)", null) { ErrorKind = GroupGuard.Core.Digests.ChannelErrorKind.Refused }, CancellationToken.None);
        await digests.Outbox.UpdateChannelAsync(yesterday.Id, "wang-mail", new(GroupGuard.Core.Digests.ChannelStatus.Failed, DigestService.MaxAttempts, "550 5.1.1 <wang@example.com>: Recipient address rejected", null), CancellationToken.None);

        var next = await digests.BuildAsync(leader, to.AddDays(-1), to, CancellationToken.None);

        // Told by the kind of failure, in the digest's words; the channel's own (naming the recipient) are the operator's.
        Assert.Contains("上次发送失败的渠道：wang-qq（对方拒收）", next.Text, StringComparison.Ordinal);
        Assert.Contains("上次发送失败的渠道：wang-mail（其他原因）", next.Text, StringComparison.Ordinal); // recorded before kinds were kept
        foreach (var body in new[] { next.Text, next.Markdown, next.Html })
        {
            Assert.Contains("上次发送失败的渠道", body, StringComparison.Ordinal);
            Assert.DoesNotContain("123456789", body, StringComparison.Ordinal);
            Assert.DoesNotContain("wang@example.com", body, StringComparison.Ordinal);
        }
    }
}
