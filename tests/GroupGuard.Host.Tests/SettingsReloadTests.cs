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
}
