using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GroupGuard.Host.Tests;

/// <summary>Settings edited while the service runs: what the reload cannot refuse is said by key.</summary>
public sealed class SettingsReloadTests
{
    [Fact]
    public void A_reload_with_a_value_of_the_wrong_kind_in_a_group_says_which_key_the_entry_now_ignored()
    {
        using var service = new GroupGuardFactory();
        _ = service.CreateClient();
        var configuration = (IConfigurationRoot)service.Services.GetRequiredService<IConfiguration>();
        var check = service.Services.GetRequiredService<SettingsReloadCheck>();
        Assert.Equal(0, check.Check());

        configuration["GroupGuard:Groups:123456:DryRun"] = "yes";
        configuration.Reload();

        Assert.Contains(service.Logs.Entries, e => e.Message.Contains("Settings reloaded with a mistake", StringComparison.Ordinal)
            && e.Message.Contains("'yes' at 'GroupGuard:Groups:123456:DryRun'", StringComparison.Ordinal));
        Assert.Equal(1, check.Check());
    }

    [Fact]
    public void A_channel_added_or_changed_while_the_service_runs_is_the_one_sent_to()
    {
        using var service = new GroupGuardFactory();
        _ = service.CreateClient();
        var configuration = (IConfigurationRoot)service.Services.GetRequiredService<IConfiguration>();
        var channels = service.Services.GetRequiredService<GroupGuard.Core.Digests.IDigestChannels>();
        var before = channels.Get("boss-file");

        configuration["GroupGuard:Channels:boss-file:Type"] = "file";
        configuration["GroupGuard:Channels:boss-file:Path"] = Path.Combine(service.Folder, "boss");
        configuration.Reload();
        var added = channels.Get("boss-file");
        configuration["GroupGuard:Moderation:EscalationWindowHours"] = "48"; // another setting: the channels stay as they are
        configuration.Reload();
        var untouched = channels.Get("boss-file");
        configuration["GroupGuard:Channels:boss-file:Path"] = Path.Combine(service.Folder, "boss-2");
        configuration.Reload();
        var changed = channels.Get("boss-file");

        Assert.Null(before);
        Assert.NotNull(added);
        Assert.Same(added, untouched);
        Assert.NotNull(changed);
        Assert.NotSame(added, changed);
        Assert.Contains("boss-file", channels.Names);
    }

    [Fact]
    public async Task A_reload_with_a_setting_out_of_range_keeps_the_last_good_settings_and_moderation_goes_on()
    {
        using var service = new GroupGuardFactory();
        _ = service.CreateClient();
        var configuration = (IConfigurationRoot)service.Services.GetRequiredService<IConfiguration>();

        configuration["GroupGuard:Moderation:EscalationWindowHours"] = "0";
        configuration["GroupGuard:Pipeline:QueueCapacity"] = "many";
        configuration.Reload();
        await service.PostV11Async(GroupGuardFactory.GroupEvent(1, "想要资料的加微信"));

        // Before, the next message threw in the worker and the host stopped.
        var incident = await service.SettledAsync(1, _ => true);
        Assert.Equal("ads.contact", incident.Rule);
        Assert.NotEqual(GroupGuard.Core.ActionStatus.Pending, incident.ActionStatus);
        Assert.Equal(24, service.Services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<GroupGuard.Core.Moderation.ModerationOptions>>().CurrentValue.EscalationWindowHours);
        Assert.Contains(service.Logs.Entries, e => e.Message.Contains("the last good ones kept", StringComparison.Ordinal)
            && e.Message.Contains("GroupGuard:Moderation:EscalationWindowHours must be between 1 and 8760, got 0", StringComparison.Ordinal));
    }
}
