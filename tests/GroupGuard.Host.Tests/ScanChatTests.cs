using System.Text;
using GroupGuard.Host.Cli;

namespace GroupGuard.Host.Tests;

/// <summary>
/// <c>groupguard scan --chat</c> on chat logs a pack author exports (<c>Samples/chat</c>): the flood
/// and repeat rules counted over the lines' own times, as the service counts a group's messages,
/// and said so that the author sees which message acts and which messages were counted.
/// </summary>
public sealed class ScanChatTests : IDisposable
{
    private const string Packs = """
        pack: spam
        category: flood
        severity: low
        action: warn
        rules:
          - id: spam.flood
            flood: { messages: 10, seconds: 30 }
          - id: spam.repeat
            repeat: { times: 3, seconds: 300 }
            action: log
        """;

    private readonly TempFolder _rules = new();

    public ScanChatTests()
    {
        _rules.Write("spam.yaml", Packs);
        _rules.Write("ads.yaml", "pack: ads\nrules:\n  - id: ads.contact\n    terms: [加微信]\n");
    }

    [Fact]
    public async Task A_flood_fires_past_its_limit_on_each_message_and_names_the_lines_it_counted()
    {
        var (exit, report, _) = await ScanAsync("flood-fires.txt", "--group", "42");

        Assert.Equal(0, exit);
        Assert.Equal(
            [
                "第 13 行：spam.flood：10001 在 30 秒内第 11 条，超过 10 条（计入第 1–3、5–8、10–13 行）",
                "第 14 行：spam.flood：10001 在 30 秒内第 12 条，超过 10 条（计入第 1–3、5–8、10–14 行）",
                "",
                "汇总：共 14 行，14 条消息，2 条命中；规则版本 " + Version(report) + "；按群 42 读",
                "  spam.flood：2 条，发送者 10001",
                "  spam.repeat：未触发",
            ],
            report);
    }

    [Fact]
    public async Task A_flood_that_stays_under_its_limit_does_not_fire_and_explain_shows_how_close_it_came()
    {
        var (exit, plain, _) = await ScanAsync("flood-under.txt");
        var (explainedExit, explained, _) = await ScanAsync("flood-under.txt", "--explain");

        Assert.Equal(0, exit);
        Assert.Equal(
            [
                "",
                "汇总：共 11 行，11 条消息，0 条命中；规则版本 " + Version(plain) + "；未指定群（--group）",
                "  spam.flood：未触发；最接近的是第 10 行：10001 在 30 秒内第 10 条，未超过 10 条，第 11 条起才触发（计入第 1–10 行）",
                "  spam.repeat：未触发",
            ],
            plain);
        Assert.Equal(0, explainedExit);
        Assert.Equal(
            [
                "第 9 行：spam.flood 未触发：10001 在 30 秒内第 9 条，未超过 10 条，第 11 条起才触发（计入第 1–9 行）",
                "第 10 行：spam.flood 未触发：10001 在 30 秒内第 10 条，未超过 10 条，第 11 条起才触发（计入第 1–10 行）",
            ],
            explained.TakeWhile(l => l.Length > 0));
    }

    [Fact]
    public async Task A_repeat_fires_at_its_count_across_tab_separated_lines_and_short_replies_never_count()
    {
        var (exit, report, _) = await ScanAsync("repeat.txt");

        Assert.Equal(0, exit);
        Assert.Equal(
            [
                "第 7 行：spam.repeat：10002 在 300 秒内第 3 次发同一段文字，达到 3 次（计入第 1、5、7 行）",
                // 09:05:00 is 300 s after the first, which the window no longer holds.
                "第 8 行：spam.repeat：10002 在 300 秒内第 3 次发同一段文字，达到 3 次（计入第 5、7–8 行）",
                "",
                "汇总：共 8 行，8 条消息，2 条命中；规则版本 " + Version(report) + "；未指定群（--group）",
                "  spam.flood：未触发；最接近的是第 4 行：10003 在 30 秒内第 2 条，未超过 10 条，第 11 条起才触发（计入第 3–4 行）",
                "  spam.repeat：2 条，发送者 10002",
            ],
            report);
    }

    [Fact]
    public async Task A_line_that_is_not_a_chat_line_is_reported_with_its_number_and_skipped()
    {
        var (exit, report, error) = await ScanAsync("unparseable.txt");

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        const string Format = "每行应为 时间 <发送者> 文字，如 2026-12-01 20:15:03 <10001> 大家好；或 时间<TAB>发送者<TAB>文字";
        Assert.Equal(
            [
                "第 3 行：开头不是日期和时间，已跳过；" + Format,
                "第 4 行：时间后没有用 <> 括起的发送者，已跳过；" + Format,
                "第 5 行：开头的「2026-02-30 08:03:00」不是真实的日期和时间，已跳过；" + Format,
                "第 6 行：发送者是空的，已跳过；" + Format,
                "第 7 行：ads.contact：「加微信」",
                "",
                "汇总：共 7 行，2 条消息，1 条命中；跳过 4 行读不出时间和发送者；规则版本 " + Version(report) + "；未指定群（--group）",
                "  spam.flood：未触发",
                "  spam.repeat：未触发",
                "  ads.contact：1 条",
            ],
            report);
    }

    [Fact]
    public async Task A_line_earlier_than_the_one_before_is_reported_and_left_out_of_the_streams()
    {
        var (exit, report, _) = await ScanAsync("out-of-order.txt");

        Assert.Equal(0, exit);
        Assert.Equal(
            [
                "第 3 行：时间 2026-12-01 10:00:03 早于第 2 行的 2026-12-01 10:00:05，已跳过：消息须按时间先后排列",
                "",
                "汇总：共 4 行，3 条消息，0 条命中；跳过 1 行时间早于前面的行；规则版本 " + Version(report) + "；未指定群（--group）",
                "  spam.flood：未触发；最接近的是第 2 行：10001 在 30 秒内第 2 条，未超过 10 条，第 11 条起才触发（计入第 1–2 行）",
                "  spam.repeat：未触发",
            ],
            report);
    }

    [Fact]
    public async Task A_log_of_no_chat_line_at_all_exits_1_and_says_what_a_line_must_be()
    {
        var (exit, report, error) = await ScanAsync(Encoding.UTF8.GetBytes("快加微信\n今天开会\n"));

        Assert.Equal(1, exit);
        Assert.StartsWith("第 1 行：开头不是日期和时间，已跳过", report[0], StringComparison.Ordinal);
        Assert.Contains("no line of the input is a chat line", error, StringComparison.Ordinal);
    }

    private Task<(int Exit, string[] Report, string Error)> ScanAsync(string sample, params string[] more) =>
        ScanAsync(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Samples", "chat", sample)), more);

    private async Task<(int Exit, string[] Report, string Error)> ScanAsync(byte[] input, params string[] more)
    {
        using var output = new MemoryStream();
        using var error = new StringWriter();
        var exit = await GroupGuardCommandLine.InvokeAsync(["scan", "--rules", _rules.Path, "--chat", .. more], TextWriter.Null, error, CancellationToken.None, standardInput: new MemoryStream(input), standardOutput: output);
        return (exit, Encoding.UTF8.GetString(output.ToArray()).TrimEnd('\n').Split('\n'), error.ToString());
    }

    /// <summary>The rule-set version the summary names (a hash of the files).</summary>
    private static string Version(string[] report) =>
        report.Single(l => l.StartsWith("汇总：", StringComparison.Ordinal)).Split("规则版本 ")[1].Split('；')[0];

    public void Dispose() => _rules.Dispose();
}
