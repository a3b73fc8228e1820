using Microsoft.Extensions.Configuration;

namespace GroupGuard.Milky.Tests;

/// <summary>
/// The example settings in <c>deploy/</c> fit together: GroupGuard's connection reaches where
/// Lagrange.Milky (and LuckyLilliaBot) listen, with the token where each of them checks it, and
/// nothing but the placeholders stands in the way.
/// </summary>
public sealed class DeployExampleTests
{
    private static readonly string Deploy = Path.Combine(RepoRoot(), "deploy");

    private static IConfiguration Load(string file) => new ConfigurationBuilder().AddJsonFile(Path.Combine(Deploy, file)).Build();

    private static MilkyOptions GroupGuardSide() =>
        Load("groupguard-milky.example.json").GetSection(MilkyOptions.Section).Get<MilkyOptions>()!;

    [Fact]
    public void GroupGuards_example_is_refused_only_for_its_placeholder()
    {
        var failures = new MilkyOptionsValidator().Validate(null, GroupGuardSide()).Failures!.ToList();

        Assert.Equal(["GroupGuard:Milky:Connections:0:AccessToken is still the placeholder of the example settings: put the real token there (or leave it out)"], failures);
    }

    [Fact]
    public void GroupGuard_reads_events_where_Lagrange_Milky_serves_them_with_the_token_it_checks()
    {
        var lagrange = Load("lagrange-milky.appsettings.example.jsonc").GetSection("Milky");
        var options = GroupGuardSide();
        options.Connections[0].AccessToken = "a-real-token-of-20-chars";
        var connection = new MilkyConnection(0, options.Connections[0]);

        Assert.True(new MilkyOptionsValidator().Validate(null, options).Succeeded);
        Assert.True(lagrange.GetValue<bool>("EnabledWebSocket"));
        Assert.Null(lagrange["WebHook"]);
        // Lagrange.Milky listens on http://{Host}:{Port}{Prefix}event and {Prefix}api, and reads the token from the access_token query.
        var events = connection.Events(webSocket: true);
        Assert.Equal($"ws://{lagrange["Host"]}:{lagrange["Port"]}{lagrange["Prefix"]}event", events.GetLeftPart(UriPartial.Path));
        Assert.Equal("?access_token=a-real-token-of-20-chars", events.Query);
        Assert.Equal($"http://{lagrange["Host"]}:{lagrange["Port"]}{lagrange["Prefix"]}api/recall_group_message", connection.Api("recall_group_message").ToString());
        Assert.StartsWith("<", lagrange["AccessToken"], StringComparison.Ordinal); // the same placeholder on both sides
    }

    [Fact]
    public void LuckyLilliaBots_example_turns_milky_on_at_the_address_the_readme_gives()
    {
        var llbot = Load("luckylillia-milky.example.json").GetSection("milky");
        var connection = new MilkyConnection(0, new MilkyConnectionOptions { Url = $"http://{llbot["http:host"]}:{llbot["http:port"]}{llbot["http:prefix"]}" });

        Assert.True(llbot.GetValue<bool>("enable"));
        Assert.False(llbot.GetValue<bool>("reportSelfMessage"));
        Assert.Equal("http://127.0.0.1:3010/event", connection.Events(webSocket: false).ToString());
        Assert.Contains("http://127.0.0.1:3010", File.ReadAllText(Path.Combine(RepoRoot(), "README.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void Lagrange_OneBot_is_gone_from_deploy()
    {
        Assert.False(File.Exists(Path.Combine(Deploy, "lagrange-appsettings.example.json")));
        Assert.True(File.Exists(Path.Combine(Deploy, "lagrange-milky.appsettings.example.jsonc")));
        Assert.Equal("3000", Load("lagrange-milky.appsettings.example.jsonc")["Milky:Port"]);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "GroupGuard.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("GroupGuard.sln not found above " + AppContext.BaseDirectory);
    }
}
