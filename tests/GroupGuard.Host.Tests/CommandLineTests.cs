using System.Text;
using System.Text.Json;
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
    [InlineData("run")]
    [InlineData("incidents", "export")]
    [InlineData("incidents", "mark")]
    [InlineData("digest", "send")]
    [InlineData("rules", "check")]
    [InlineData("scan")]
    [InlineData("users", "add")]
    [InlineData("images", "list")]
    public async Task A_verb_s_help_says_it_takes_settings_not_arguments_for_an_application(params string[] verb)
    {
        var (exit, output, _) = await InvokeAsync([.. verb, "--help"]);

        Assert.Equal(0, exit);
        Assert.Contains($" {string.Join(' ', verb)} ", output, StringComparison.Ordinal);
        Assert.Contains("[options] [--Section:Key=value ...]", output, StringComparison.Ordinal);
        Assert.Contains("Settings:\n  --Section:Key=value", output, StringComparison.Ordinal);
        Assert.DoesNotContain("additional arguments", output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("application that is being run", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_root_help_names_every_endpoint_the_service_serves()
    {
        var (exit, output, _) = await InvokeAsync("--help");

        Assert.Equal(0, exit);
        foreach (var endpoint in new[] { "POST /onebot/v11,", "POST /onebot/v12", "GET /onebot/v11/ws", "POST /milky", "POST /qqbot", "GET /healthz", "/console" })
        {
            Assert.Contains(endpoint, output, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("additional arguments", output, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(new[] { "incidnets", "export" }, "incidnets")]
    [InlineData(new[] { "incidents", "export", "--fromat", "csv" }, "--fromat")]
    [InlineData(new[] { "incidents", "export", "--format", "xml" }, "xml")]
    [InlineData(new[] { "incidents", "mark", "12" }, "--false-positive or --not-false-positive")]
    [InlineData(new[] { "incidents", "mark", "twelve", "--false-positive" }, "twelve")]
    [InlineData(new[] { "incidents", "mark", "abc", "--false-positive" }, "ID must be an incident's id, the number incidents list, export and the console show (such as 42), got 'abc'")]
    [InlineData(new[] { "incidents", "mark", "0", "--false-positive" }, "ID must be an incident's id, the number incidents list, export and the console show (such as 42), got '0'")]
    [InlineData(new[] { "incidents", "mark", "99999999999999999999", "--false-positive" }, "ID must be an incident's id")]
    [InlineData(new[] { "images", "block", "x" }, "INCIDENT_ID must be an incident's id, the number incidents list, export and the console show (such as 42), got 'x'")]
    [InlineData(new[] { "images", "block", "3", "--picture", "two" }, "--picture must be a picture's number, 1 for the first, got 'two'")]
    [InlineData(new[] { "images", "unblock", "-5" }, "BLOCK_ID must be a blocked picture's number, the # images list shows (such as 3), got '-5'")]
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
        Assert.DoesNotContain("System.", error, StringComparison.Ordinal); // no .NET type names
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

    /// <summary>
    /// The summary's throughput reads in a unit that shows it: a few lines scanned said
    /// "0.0 M chars/s", which tells an administrator trying a rule nothing.
    /// </summary>
    [Theory]
    [InlineData(41_400_000L, 1.0, "41.4 M chars/s")]
    [InlineData(150_000L, 1.0, "0.2 M chars/s")]
    [InlineData(448L, 0.29, "1.5 K chars/s")]
    [InlineData(120L, 0.5, "240 chars/s")]
    [InlineData(0L, 0.0, "0 chars/s")]
    public void A_scan_s_throughput_is_said_in_a_unit_that_shows_it(long chars, double seconds, string expected)
    {
        Assert.Equal(expected, ScanCommand.Rate(chars, seconds));
    }

    [Fact]
    public async Task A_scan_stopped_by_ctrl_c_writes_the_verdicts_so_far_and_its_summary_and_exits_130()
    {
        using var folder = new TempFolder();
        folder.Write("a.yaml", "pack: a\nrules:\n  - id: a.one\n    terms: [加微信]\n");
        using var interrupt = new CancellationTokenSource();
        using var input = new InputThatWaits(Encoding.UTF8.GetBytes("加微信\n今天开会\n"), interrupt);
        using var output = new MemoryStream();
        using var error = new StringWriter();

        var exit = await GroupGuardCommandLine.InvokeAsync(["scan", "--rules", folder.Path], TextWriter.Null, error, interrupt.Token, standardInput: input, standardOutput: output);

        Assert.Equal(130, exit);
        var verdicts = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal([true, false], verdicts.Select(v => JsonDocument.Parse(v).RootElement.GetProperty("flagged").GetBoolean()));
        Assert.Contains("scan: 2 lines, 1 flagged", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("interrupted", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_scan_whose_output_cannot_be_written_says_so_in_one_line_and_exits_1()
    {
        using var folder = new TempFolder();
        folder.Write("a.yaml", "pack: a\nrules:\n  - id: a.one\n    terms: [加微信]\n");
        using var input = new MemoryStream(Encoding.UTF8.GetBytes("加微信\n"));
        using var full = new FullOutput();
        using var error = new StringWriter();

        var exit = await GroupGuardCommandLine.InvokeAsync(["scan", "--rules", folder.Path], TextWriter.Null, error, CancellationToken.None, standardInput: input, standardOutput: full);

        Assert.Equal(1, exit);
        Assert.Equal("groupguard: No space left on device", Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public async Task A_verb_whose_output_fails_says_so_in_one_line_and_exits_1()
    {
        using var folder = new TempFolder();
        folder.Write("a.yaml", "pack: a\nrules:\n  - id: a.one\n    terms: [加微信]\n");
        using var error = new StringWriter();

        var exit = await GroupGuardCommandLine.InvokeAsync(["rules", "check", "--rules", folder.Path], new FullWriter(), error);

        Assert.Equal(1, exit);
        Assert.Equal("groupguard: No space left on device", Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public async Task A_verb_reads_the_settings_of_the_environment_aspnetcore_environment_names_as_the_service_does()
    {
        using var folder = new TempFolder();
        var environment = "VerbTest" + Guid.NewGuid().ToString("N")[..8];
        var database = Path.Combine(folder.Path, "staging.db");
        var settings = Path.Combine(AppContext.BaseDirectory, $"appsettings.{environment}.json");
        File.WriteAllText(settings, JsonSerializer.Serialize(new { GroupGuard = new { Storage = new { ConnectionString = $"Data Source={database}" } } }));
        try
        {
            var outcome = await GroupGuardProcess.RunWithInputAsync(
                folder.Path, new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = environment }, TimeSpan.FromSeconds(90), "a long admin password\n", "users", "add", "admin", "--role", "admin");

            Assert.True(outcome.ExitCode == 0, outcome.Error);
            Assert.True(File.Exists(database), "users add did not write the database of appsettings." + environment + ".json");
            Assert.False(File.Exists(Path.Combine(folder.Path, "data", "groupguard.db")));
        }
        finally
        {
            File.Delete(settings);
        }
    }

    [Fact]
    public async Task A_settings_file_with_a_json_mistake_is_named_with_the_line_and_what_is_wrong_there_but_no_value_of_it()
    {
        // A comma missing after the OneBot section (line 4, counted from 1 as an editor counts).
        var environment = "BrokenJson" + Guid.NewGuid().ToString("N")[..8];
        var settings = Path.Combine(AppContext.BaseDirectory, $"appsettings.{environment}.json");
        File.WriteAllText(settings, """
            {
              "GroupGuard": {
                "OneBot": { "Secret": "the operator's own secret" }
                "Storage": { "ConnectionString": "Data Source=broken.db" }
              }
            }
            """);
        try
        {
            var (exit, _, error) = await InvokeAsync("incidents", "export", "--environment", environment);

            Assert.Equal(1, exit);
            var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith($"groupguard: {settings}: line 4, byte 5: ", line, StringComparison.Ordinal);
            Assert.Contains("is invalid after a value", line, StringComparison.Ordinal);
            Assert.DoesNotContain("own secret", line, StringComparison.Ordinal);
            Assert.DoesNotContain("broken.db", line, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(settings);
        }
    }

    private const string ContactRule = "pack: a\nrules:\n  - id: a.one\n    terms: [加微信]\n";

    /// <summary><c>scan</c> run in process on <paramref name="input"/>: its exit code, its verdicts and its standard error.</summary>
    private static async Task<(int Exit, JsonElement[] Verdicts, string Error)> ScanAsync(byte[] input, params string[] more)
    {
        using var folder = new TempFolder();
        folder.Write("a.yaml", ContactRule);
        using var output = new MemoryStream();
        using var error = new StringWriter();
        var exit = await GroupGuardCommandLine.InvokeAsync(["scan", "--rules", folder.Path, .. more], TextWriter.Null, error, CancellationToken.None, standardInput: new MemoryStream(input), standardOutput: output);
        var verdicts = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        return (exit, verdicts, error.ToString());
    }

    [Theory]
    [InlineData("utf-16")]
    [InlineData("utf-16BE")]
    [InlineData("utf-32")]
    [InlineData("utf-8")]
    public async Task Scan_reads_input_in_the_encoding_its_byte_order_mark_names(string encodingName)
    {
        var encoding = Encoding.GetEncoding(encodingName);
        var (exit, verdicts, error) = await ScanAsync([.. encoding.GetPreamble(), .. encoding.GetBytes("快加微信\n今天开会\n")]);

        Assert.Equal(0, exit);
        Assert.Equal([true, false], verdicts.Select(v => v.GetProperty("flagged").GetBoolean()));
        Assert.Equal("加微信", verdicts[0].GetProperty("hits")[0].GetProperty("matched").GetString());
        Assert.Equal(1, verdicts[0].GetProperty("hits")[0].GetProperty("start").GetInt32());
        Assert.Contains("scan: 2 lines, 1 flagged", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_counts_the_lines_that_are_not_utf8_and_still_scans_them()
    {
        byte[] input = [.. "今天开会\n"u8, .. "加微信 "u8, 0xC0, 0xFF, .. "\n"u8, .. "晚安\n"u8];

        var (exit, verdicts, error) = await ScanAsync(input);

        Assert.Equal(0, exit);
        Assert.Equal([false, true, false], verdicts.Select(v => v.GetProperty("flagged").GetBoolean()));
        Assert.True(verdicts[1].GetProperty("invalid_utf8").GetBoolean());
        Assert.False(verdicts[0].TryGetProperty("invalid_utf8", out _));
        Assert.Contains("; 1 line not valid UTF-8", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_ends_lines_only_at_line_feeds_so_verdicts_stay_one_a_line()
    {
        var lines = new[] { "加微信\r今天开会", "晚安", "今天\r", "加微信" };

        var (exit, verdicts, error) = await ScanAsync(Encoding.UTF8.GetBytes("加微信\r今天开会\r\n晚安\n今天\r\r\n加微信"));

        Assert.Equal(0, exit);
        Assert.Equal([true, false, false, true], verdicts.Select(v => v.GetProperty("flagged").GetBoolean()));
        Assert.Contains($"scan: {lines.Length} lines", error, StringComparison.Ordinal);
        Assert.Contains($"{lines.Sum(l => l.Length)} chars", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_skips_a_line_longer_than_a_message_may_be_and_marks_and_counts_it()
    {
        var longest = new string('话', Core.MessageLimits.MaxTextLength);
        var input = string.Join('\n', [longest + "加微信", longest[3..] + "加微信", new string('a', 4 * Core.MessageLimits.MaxTextLength) + "加微信", "加微信"]) + "\n";

        var (exit, verdicts, error) = await ScanAsync(Encoding.UTF8.GetBytes(input));

        Assert.Equal(0, exit);
        Assert.Equal(4, verdicts.Length);
        Assert.Equal([false, true, false, true], verdicts.Select(v => v.GetProperty("flagged").GetBoolean()));
        Assert.Equal([true, false, true, false], verdicts.Select(v => v.TryGetProperty("skipped", out _)));
        Assert.Contains("scan: 4 lines", error, StringComparison.Ordinal);
        Assert.Contains("; 2 lines skipped, longer than 65,536 characters", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_writes_each_verdict_out_before_it_waits_for_more_input()
    {
        using var folder = new TempFolder();
        folder.Write("a.yaml", ContactRule);
        using var output = new MemoryStream();
        var seenWhileWaiting = "";
        using var input = new InputThatWaits(Encoding.UTF8.GetBytes("加微信\n今天开会\n"), () => seenWhileWaiting = Encoding.UTF8.GetString(output.ToArray()));

        var exit = await GroupGuardCommandLine.InvokeAsync(["scan", "--rules", folder.Path], TextWriter.Null, TextWriter.Null, CancellationToken.None, standardInput: input, standardOutput: output);

        Assert.Equal(0, exit);
        var verdicts = seenWhileWaiting.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal([true, false], verdicts.Select(v => JsonDocument.Parse(v).RootElement.GetProperty("flagged").GetBoolean()));
    }

    /// <summary>
    /// Standard input on a pipe: some lines, then a wait for more, during which the user presses
    /// Ctrl+C (or, given <c>whileWaiting</c>, which that sees and which ends with the end of the input).
    /// </summary>
    private sealed class InputThatWaits : Stream
    {
        private readonly byte[] _lines;
        private readonly CancellationTokenSource? _ctrlC;
        private readonly Action? _whileWaiting;
        private int _given;

        public InputThatWaits(byte[] lines, CancellationTokenSource ctrlC)
        {
            _lines = lines;
            _ctrlC = ctrlC;
        }

        public InputThatWaits(byte[] lines, Action whileWaiting)
        {
            _lines = lines;
            _whileWaiting = whileWaiting;
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_given < _lines.Length)
            {
                var count = Math.Min(buffer.Length, _lines.Length - _given);
                _lines.AsMemory(_given, count).CopyTo(buffer);
                _given += count;
                return count;
            }

            if (_whileWaiting is not null)
            {
                _whileWaiting();
                return 0;
            }

            await _ctrlC!.CancelAsync();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>A console output on a full disk (/dev/full): every write fails.</summary>
    private sealed class FullWriter : TextWriter
    {
        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value) => throw new IOException("No space left on device");
    }

    /// <summary>Standard output on a full disk (/dev/full): every write fails.</summary>
    internal sealed class FullOutput : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("No space left on device");

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => throw new IOException("No space left on device");
    }
}
