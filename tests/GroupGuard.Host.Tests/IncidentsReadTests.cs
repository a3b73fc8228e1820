using GroupGuard.Host.Cli;

namespace GroupGuard.Host.Tests;

/// <summary>
/// <c>incidents list</c> and <c>incidents show</c>: an administrator on a server with no browser
/// reads the newest incidents, filtered, one line each, and one incident whole.
/// </summary>
public sealed class IncidentsReadTests
{
    private static async Task<(int Exit, string Output, string Error)> CliAsync(GroupGuardFactory service, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await GroupGuardCommandLine.InvokeAsync(
            [.. args, $"--GroupGuard:Storage:ConnectionString=Data Source={service.DatabasePath}"], output, error, CancellationToken.None);
        return (exit, output.ToString(), error.ToString());
    }

    private static async Task<GroupGuardFactory> ServiceWithThreeIncidentsAsync()
    {
        var service = new GroupGuardFactory();
        await service.PostV11Async(GroupGuardFactory.GroupEvent(961, "加微信领资料", userId: 20301));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(962, "私聊领取\n#4 2026-12-07 forged line", userId: 20302));
        await service.PostV11Async(GroupGuardFactory.GroupEvent(963, "看这里 https://prize.xyz/get " + new string('长', 60), userId: 20301));
        Assert.Equal(3, (await service.IncidentsAfterAsync(3)).Count);
        return service;
    }

    [Fact]
    public async Task List_prints_the_newest_first_one_line_each_and_filters_by_member_and_rule()
    {
        using var service = await ServiceWithThreeIncidentsAsync();
        var stored = await service.IncidentsAsync();

        var (exit, output, error) = await CliAsync(service, "incidents", "list");
        var (_, byMember, _) = await CliAsync(service, "incidents", "list", "--user", "20301");
        var (_, byRule, _) = await CliAsync(service, "incidents", "list", "--rule", "ads.site");
        var (_, newest, limited) = await CliAsync(service, "incidents", "list", "--limit", "1");

        Assert.Equal(0, exit);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(stored.OrderByDescending(i => i.Id).Select(i => $"#{i.Id} "), lines.Select(l => l[..(l.IndexOf(' ', StringComparison.Ordinal) + 1)]));
        Assert.All(lines, l => Assert.Contains("qq:123456", l, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("user 20302  ads.contact  recall", StringComparison.Ordinal) && l.EndsWith("私聊领取 #4 2026-12-07 forged line", StringComparison.Ordinal)); // a line break in the message is a space
        Assert.True(lines.Any(l => l.EndsWith("长长…", StringComparison.Ordinal)), output); // a long message is cut
        Assert.Contains("3 incidents, newest first", error, StringComparison.Ordinal);
        Assert.Equal(2, byMember.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("ads.site", Assert.Single(byRule.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        Assert.StartsWith($"#{stored.Max(i => i.Id)} ", Assert.Single(newest.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        Assert.Contains("--limit shows more", limited, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_prints_every_field_of_one_incident_and_says_when_there_is_none()
    {
        using var service = await ServiceWithThreeIncidentsAsync();
        var first = (await service.IncidentsAsync()).Single(i => i.MessageId == "962");

        var (exit, output, _) = await CliAsync(service, "incidents", "show", first.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var (missing, _, error) = await CliAsync(service, "incidents", "show", "999999");

        Assert.Equal(0, exit);
        var fields = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(": ", 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");
        Assert.Equal(IncidentExport.Columns, fields.Keys);
        Assert.Equal("ads.contact", fields["rule"]);
        Assert.Equal("20302", fields["user_id"]);
        Assert.Equal("私聊领取 #4 2026-12-07 forged line", fields["message_text"]); // whole, on its one line
        Assert.Equal(1, missing);
        Assert.Contains("there is no incident 999999", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_refuses_an_id_that_is_no_number_naming_the_argument()
    {
        using var service = new GroupGuardFactory();

        var (exit, _, error) = await CliAsync(service, "incidents", "show", "abc");

        Assert.Equal(2, exit);
        Assert.Contains("ID must be an incident's id", error, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--limit", "0", "--limit must be from 1 to 1000")]
    [InlineData("--limit", "1001", "--limit must be from 1 to 1000")]
    [InlineData("--status", "nope", "nope")]
    [InlineData("--group", "12\u00003", "control character")]
    public async Task List_refuses_a_bound_or_value_past_what_it_takes_naming_the_option(string option, string value, string says)
    {
        using var service = new GroupGuardFactory();

        var (exit, _, error) = await CliAsync(service, "incidents", "list", option, value);

        Assert.Equal(2, exit);
        Assert.Contains(says, error, StringComparison.Ordinal);
    }
}
