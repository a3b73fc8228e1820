using GroupGuard.Channels;
using GroupGuard.Host.Digests;
using GroupGuard.Host.WebConsole;
using GroupGuard.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GroupGuard.Host.Tests.Console;

/// <summary>
/// <c>GroupGuard:Console:PublicUrl</c>: the address people reach the console at, which digests and
/// alerts link incidents under. A mistake stops the start naming it; the links follow a reload.
/// </summary>
public sealed class ConsolePublicUrlTests
{
    [Theory]
    [InlineData("https://guard.example.org")]
    [InlineData("https://guard.example.org/")]
    [InlineData("https://guard.example.org:8443/groupguard/")]
    [InlineData("http://127.0.0.1:5140")]
    [InlineData("http://localhost:5140/")]
    [InlineData("http://[::1]:5140")]
    [InlineData("")]
    public void An_https_address_or_plain_http_on_this_machine_is_taken(string url)
    {
        var result = new ConsoleOptionsValidator().Validate(null, new ConsoleOptions { PublicUrl = url });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("/console", "not an absolute http or https URL")]
    [InlineData("guard.example.org", "not an absolute http or https URL")]
    [InlineData("ftp://guard.example.org", "not an absolute http or https URL")]
    [InlineData("https://guard.example.org/?from=digest", "query")]
    [InlineData("https://guard.example.org/#top", "fragment")]
    [InlineData("http://guard.example.org", "must be https")]
    [InlineData("http://192.168.1.10:5140", "must be https")]
    [InlineData("https://admin:secret@guard.example.org", "user name or password")]
    public void Anything_else_fails_naming_the_setting_and_what_is_wrong(string url, string problem)
    {
        var result = new ConsoleOptionsValidator().Validate(null, new ConsoleOptions { PublicUrl = url });

        Assert.True(result.Failed);
        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("GroupGuard:Console:PublicUrl is ", failure, StringComparison.Ordinal);
        Assert.Contains(problem, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void An_address_over_200_characters_fails()
    {
        var url = "https://guard.example.org/" + new string('a', 175);

        var result = new ConsoleOptionsValidator().Validate(null, new ConsoleOptions { PublicUrl = url });

        Assert.Contains("more than 200", Assert.Single(result.Failures!), StringComparison.Ordinal);
        Assert.True(new ConsoleOptionsValidator().Validate(null, new ConsoleOptions { PublicUrl = url[..200] }).Succeeded);
    }

    [Fact]
    public void The_example_production_settings_address_is_refused_until_it_is_filled_in()
    {
        var example = new ConfigurationBuilder().AddJsonFile(Path.Combine(RepoPaths.Root, "deploy", "appsettings.Production.example.json")).Build();
        var shipped = example.GetSection(ConsoleOptions.Section).Get<ConsoleOptions>()!;

        var result = new ConsoleOptionsValidator().Validate(null, shipped);

        Assert.Contains("GroupGuard:Console:PublicUrl is 'https://<", Assert.Single(result.Failures!), StringComparison.Ordinal);
        Assert.Contains("still the placeholder of the example settings", Assert.Single(result.Failures!), StringComparison.Ordinal);
        Assert.True(new ConsoleOptionsValidator().Validate(null, new ConsoleOptions { PublicUrl = "https://guard.example.org" }).Succeeded);
    }

    [Fact]
    public void Digests_link_under_the_address_the_settings_give_now_and_not_while_the_console_is_off()
    {
        using var folder = new TempFolder(Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GroupGuard:Storage:ConnectionString"] = $"Data Source={Path.Combine(folder.Path, "groupguard.db")}",
            ["GroupGuard:Console:PublicUrl"] = "https://guard.example.org",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddGroupGuardStorage(configuration).AddGroupGuardChannels(configuration).AddGroupGuardDigests(configuration);
        using var provider = services.BuildServiceProvider();
        var digests = provider.GetRequiredService<DigestService>();
        Assert.Equal("https://guard.example.org", digests.ConsoleUrl);

        // The settings file edited while the service runs.
        configuration["GroupGuard:Console:PublicUrl"] = "https://console.example.org/gg/";
        configuration.Reload();
        Assert.Equal("https://console.example.org/gg/", digests.ConsoleUrl);

        // The console turned off: its pages answer 404, so nothing links to them.
        configuration["GroupGuard:Console:Enabled"] = "false";
        configuration.Reload();
        Assert.Null(digests.ConsoleUrl);
    }
}
