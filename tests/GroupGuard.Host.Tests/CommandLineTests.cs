using GroupGuard.Host.Cli;

namespace GroupGuard.Host.Tests;

/// <summary>The command line as .NET users expect it: help, usage errors with exit code 2, settings passed through.</summary>
public sealed class CommandLineTests
{
    private static async Task<(int Exit, string Output, string Error)> InvokeAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await GroupGuardCommandLine.InvokeAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData(new[] { "incidents", "--help" }, "export")]
    [InlineData(new[] { "incidents", "export", "--help" }, "--format")]
    [InlineData(new[] { "incidents", "mark", "-h" }, "--false-positive")]
    [InlineData(new[] { "digest", "--help" }, "preview")]
    [InlineData(new[] { "rules", "check", "--help" }, "--rules")]
    public async Task Every_verb_has_help(string[] args, string mentions)
    {
        var (exit, output, _) = await InvokeAsync(args);

        Assert.Equal(0, exit);
        Assert.Contains(mentions, output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "incidnets", "export" }, "incidnets")]
    [InlineData(new[] { "incidents", "export", "--fromat", "csv" }, "--fromat")]
    [InlineData(new[] { "incidents", "export", "--format", "xml" }, "xml")]
    [InlineData(new[] { "incidents", "mark", "12" }, "--false-positive or --not-false-positive")]
    [InlineData(new[] { "incidents", "mark", "twelve", "--false-positive" }, "twelve")]
    [InlineData(new[] { "digest", "preview" }, "--leader")]
    [InlineData(new[] { "digest", "preview", "--leader", "王主任", "--from", "tomorrow" }, "--from must be an ISO-8601 time")]
    [InlineData(new[] { "digest", "preview", "--leader", "王主任", "--from", "0001-01-01" }, "--from must be a time from 2000-01-01 to 9998-12-31")]
    [InlineData(new[] { "digest", "preview", "--leader", "王主任", "--to", "9999-12-31T23:59:59.9999999Z" }, "--to must be a time from 2000-01-01 to 9998-12-31")]
    [InlineData(new[] { "incidents", "export", "--since", "9999-12-31T23:59:59.9999999Z" }, "--since must be a time from 2000-01-01 to 9998-12-31")]
    [InlineData(new[] { "incidents", "export", "--since", "1999-12-31T12:00:00+08:00" }, "--since must be a time from 2000-01-01 to 9998-12-31")]
    [InlineData(new[] { "--GroupGuard:Rules:Path" }, "needs a value")]
    public async Task A_usage_error_exits_2_and_says_what_is_wrong(string[] args, string says)
    {
        var (exit, output, error) = await InvokeAsync(args);

        Assert.Equal(2, exit);
        Assert.Contains(says, error, StringComparison.Ordinal);
        Assert.Contains("--help", error, StringComparison.Ordinal);
        Assert.Empty(output);
    }

    [Fact]
    public void Settings_on_the_command_line_reach_the_configuration_in_either_form()
    {
        var (settings, errors) = ConfigurationArguments.Split(["--GroupGuard:Rules:Path=/etc/rules", "--urls", "http://127.0.0.1:5141", "--GroupGuard="]);

        Assert.Empty(errors);
        Assert.Equal(["--GroupGuard:Rules:Path=/etc/rules", "--urls=http://127.0.0.1:5141", "--GroupGuard="], settings);
    }

    [Fact]
    public async Task A_rules_check_of_a_given_folder_runs_with_settings_given_alongside()
    {
        using var folder = new TempFolder();
        folder.Write("a.yaml", "pack: a\nrules:\n  - id: a.one\n    terms: [加微信]\n");

        var (exit, output, _) = await InvokeAsync("rules", "check", "--rules", folder.Path, "--GroupGuard:Rules:Path=" + folder.Path);

        Assert.Equal(0, exit);
        Assert.Contains("rules OK", output, StringComparison.Ordinal);
    }
}
