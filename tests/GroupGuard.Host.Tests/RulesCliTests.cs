using System.Text.Json;
using GroupGuard.Core.Rules;

namespace GroupGuard.Host.Tests;

/// <summary><c>groupguard rules check</c> and <c>groupguard scan</c>, run as an administrator runs them.</summary>
public sealed class RulesCliTests : IDisposable
{
    private readonly TempFolder _temp = new();

    private string Folder => _temp.Path;

    private string Rules(params (string Name, string Content)[] files)
    {
        var rules = Path.Combine(Folder, "rules");
        Directory.CreateDirectory(rules);
        foreach (var (name, content) in files)
        {
            File.WriteAllText(Path.Combine(rules, name), content);
        }

        return rules;
    }

    private Task<GroupGuardProcess.Outcome> Run(params string[] args) =>
        GroupGuardProcess.RunAsync(Folder, new Dictionary<string, string>(), TimeSpan.FromSeconds(90), args);

    [Fact]
    public async Task Rules_check_lists_every_problem_with_path_and_line_and_exits_1()
    {
        var rules = Rules(
            ("a.yaml", "pack: a\nrules:\n  - id: a.one\n    terms: [广]\n    match: substring\n  - id: a.two\n    regex: '(x'\n  - id: a.three\n    terms_file: nowhere.txt\n"),
            ("b.yaml", "pack: b\nseverity: huge\nrules:\n  - id: a.one\n    terms: [ok1]\n    colour: red\n"));

        var outcome = await Run("rules", "check", "--rules", rules);

        Assert.Equal(1, outcome.ExitCode);
        var lines = outcome.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.EndsWith("a.yaml:4: rule 'a.one': one-character term '广' in substring mode would fire inside every word that contains it; use match: word (or auto)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("a.yaml:7:", StringComparison.Ordinal) && l.Contains("invalid regex", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("a.yaml:9:", StringComparison.Ordinal) && l.Contains("nowhere.txt", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("b.yaml:2:", StringComparison.Ordinal) && l.Contains("huge", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("b.yaml:6:", StringComparison.Ordinal) && l.Contains("colour", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("b.yaml:4:", StringComparison.Ordinal) && l.Contains("duplicate rule id 'a.one'", StringComparison.Ordinal));
    }

    /// <summary>
    /// An administrator's walkthrough of hand-editing mistakes: each is printed on the line to mend
    /// with what to write there, however many files hold one, and once (a misspelt key is not also
    /// the errors of its absence); a warning (terms run together) beside them.
    /// </summary>
    [Fact]
    public async Task Rules_check_names_each_hand_editing_mistake_on_its_line_with_what_to_write()
    {
        var rules = Rules(
            ("a.yaml", "pack: a\naction： recall\nrules:\n  - id: a.one\n    terms: [加微信]\n"),
            ("b.yaml", "pack: b\nrules:\n  - id: b.one\n\tterms: [加微信]\n"),
            ("c.yaml", "pack: c\nseverity: 高\ngroups: [12345678，87654321]\nrules:\n  - id: c.one\n    terms: [私聊领取，私信领取]\n  - id: c.two\n    terms_file: c.txt\n"),
            ("c.txt", "# 以后再加\n"),
            ("d.yaml", ""),
            ("e.yaml", "pack: e\nrules:\n  - id: e.one\n    terrms: [加微信]\n    unless: [加微信群]\n"));

        var outcome = await Run("rules", "check", "--rules", rules);

        Assert.Equal(1, outcome.ExitCode);
        var lines = outcome.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.EndsWith("a.yaml:2: YAML syntax: 'action' is followed by a full-width colon '：'; write 'action: recall', with the colon ':' of English punctuation and a space after it", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith("b.yaml:4: YAML syntax: this line is indented with a tab; indent with spaces only (YAML takes no tabs: most editors can turn them into spaces)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith("c.yaml:2: 'severity' is '高', expected low | medium | high | critical: write 'high'", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith("c.yaml:3: 'groups' names '12345678，87654321', which is no group id (one holds no spaces or commas): give each group as an entry of the list: groups: [\"12345678\", \"87654321\"]", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("c.yaml:6: warning: rule 'c.one': term '私聊领取，私信领取' holds '，'", StringComparison.Ordinal) && l.EndsWith("terms: [私聊领取, 私信领取]", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("c.yaml:8: rule 'c.two' has no terms: its terms_file c.txt holds none", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith("d.yaml:1: the file is empty (or holds only comments): write a pack in it (pack: <id>, then rules:), or delete it; to set a pack aside, rename it to end in .off", StringComparison.Ordinal));
        // A misspelt key is one line: not also 'nothing to match' and 'unless' with no terms.
        Assert.StartsWith("unknown rule key 'terrms': write 'terms' (expected one of: ", Assert.Single(lines, l => l.Contains("e.yaml:", StringComparison.Ordinal)).Split("e.yaml:4: ")[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rules_check_on_a_file_of_countless_bad_lines_lists_the_first_hundred_and_counts_them_all()
    {
        var rules = Rules(
            ("t.txt", string.Concat(Enumerable.Repeat("！！\n", 5_000))),
            ("a.yaml", "pack: a\nrules:\n  - id: a.list\n    terms_file: t.txt\n"));

        var outcome = await Run("rules", "check", "--rules", rules);

        Assert.Equal(1, outcome.ExitCode);
        var lines = outcome.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(102, lines.Length);
        Assert.EndsWith("t.txt:100: rule 'a.list': term '！！' has no letters, digits or hanzi left after normalization", lines[99], StringComparison.Ordinal);
        Assert.EndsWith(": 4,900 more problems not listed (the first 100 are)", lines[100], StringComparison.Ordinal);
        Assert.StartsWith("5000 problems in ", lines[101], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rules_check_on_a_valid_set_prints_one_summary_line_and_exits_0()
    {
        var rules = Rules(("a.yaml", "pack: a\nrules:\n  - id: a.one\n    terms: [加微信, 私聊领取]\n  - id: a.two\n    detector: cn_mobile\n"));

        var outcome = await Run("rules", "check", "--rules", rules);

        Assert.Equal(0, outcome.ExitCode);
        var line = Assert.Single(outcome.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("1 packs, 2 rules, 2 terms", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rules_check_warns_of_a_regex_character_the_fold_rewrites_and_still_exits_0()
    {
        var rules = Rules(("a.yaml", "pack: a\nrules:\n  - id: a.one\n    terms: [加微信]\n  - id: a.two\n    regex: '加薇信\\d{6,}'\n"));

        var outcome = await Run("rules", "check", "--rules", rules);

        Assert.Equal(0, outcome.ExitCode);
        var lines = outcome.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.Contains("a.yaml:6: warning: rule 'a.two'", StringComparison.Ordinal) && l.Contains("write '微' instead", StringComparison.Ordinal));
        Assert.StartsWith("rules OK, with 1 warning above (they load as they are; --strict fails on them), in ", lines[^1], StringComparison.Ordinal);

        var strict = await Run("rules", "check", "--rules", rules, "--strict");

        Assert.Equal(1, strict.ExitCode);
        Assert.Contains("a.yaml:6: warning:", strict.Output, StringComparison.Ordinal);
        Assert.Contains("1 warning in", strict.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("rules OK", strict.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rules_check_warns_of_misnamed_files_naming_the_name_meant_and_still_exits_0()
    {
        var rules = Rules(
            ("a.yaml", "pack: a\nrules:\n  - id: a.one\n    terms: [加微信]\n"),
            ("allow_654321.txt", "微信支付\n"),
            ("ads.yml.txt", "pack: ads\nrules:\n  - id: ads.one\n    terms: [私聊领取]\n"),
            ("README.txt", "what these files are\n"),
            ("a.yaml.orig", "pack: a\n"));

        var outcome = await Run("rules", "check", "--rules", rules);

        Assert.Equal(0, outcome.ExitCode);
        var lines = outcome.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Contains(lines, l => l.EndsWith("allow_654321.txt: warning: not read: probably meant allow-654321.txt (a group's allow list is allow-<group id>.txt, in lower case)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith("ads.yml.txt: warning: not read: probably meant ads.yml (a pack is read from a file whose name ends in .yaml or .yml)", StringComparison.Ordinal));
        Assert.StartsWith("rules OK", lines[2], StringComparison.Ordinal);
        Assert.Contains("1 packs, 1 rules", lines[2], StringComparison.Ordinal);

        var strict = await Run("rules", "check", "--rules", rules, "--strict");

        Assert.Equal(1, strict.ExitCode);
        Assert.Contains("2 warnings in", strict.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rules_check_notes_a_regex_that_runs_on_every_message_and_still_exits_0_with_strict()
    {
        var rules = Rules(("a.yaml", "pack: a\nrules:\n  - id: a.long\n    regex: '[^\\s]{40,}'\n  - id: a.word\n    regex: '出售[^\\n]{0,4}冰毒'\n"));

        var outcome = await Run("rules", "check", "--rules", rules, "--strict");

        Assert.Equal(0, outcome.ExitCode);
        var lines = outcome.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var note = Assert.Single(lines, l => l.Contains(": note: ", StringComparison.Ordinal));
        Assert.Contains("a.yaml:3: note: rule 'a.long'", note, StringComparison.Ordinal);
        Assert.Contains("runs on every message", note, StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("rules OK", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rules_check_notes_the_rules_past_those_whose_words_detection_looks_for_and_still_exits_0_with_strict()
    {
        // Six regex rules more than the walk looks for, each needing a word of its own (甲aa乙, 甲ab乙 …):
        // the last six run on every message.
        var limit = RuleSet.WalkSets;
        var yaml = "pack: a\nrules:\n" + string.Concat(Enumerable.Range(0, limit + 6).Select(i => $"  - id: a.r{i}\n    regex: '甲{(char)('a' + i / 26)}{(char)('a' + i % 26)}乙'\n"));
        var rules = Rules(("a.yaml", yaml));

        var outcome = await Run("rules", "check", "--rules", rules, "--strict");

        Assert.Equal(0, outcome.ExitCode);
        var notes = outcome.Output.Split('\n').Where(l => l.Contains($"more than {limit} regex and detector rules", StringComparison.Ordinal)).ToList();
        Assert.Equal(Enumerable.Range(limit, 6).Select(i => $"a.r{i}"), notes.Select(n => n.Split('\'')[1]));
        Assert.StartsWith("a.yaml:", Path.GetFileName(notes[0]), StringComparison.Ordinal);
        Assert.Contains("rules OK", outcome.Output, StringComparison.Ordinal);

        var fewer = await Run("rules", "check", "--rules", Rules(("a.yaml", "pack: a\nrules:\n  - id: a.one\n    regex: '出售[^\\n]{0,4}冰毒'\n")));
        Assert.DoesNotContain($"more than {limit}", fewer.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rules_check_notes_each_file_that_differs_from_the_shipped_packs_without_failing()
    {
        // An upgrade's step 3 (README): the operator's copy against what this version ships.
        var rules = Path.Combine(Folder, "rules");
        Directory.CreateDirectory(rules);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "rules")))
        {
            File.Copy(file, Path.Combine(rules, Path.GetFileName(file)));
        }

        File.AppendAllText(Path.Combine(rules, "gambling.yaml"), "# an operator's note\n");
        File.Delete(Path.Combine(rules, "promo.yaml"));

        var outcome = await Run("rules", "check", "--rules", rules);

        Assert.True(outcome.ExitCode == 0, outcome.Output);
        var notes = outcome.Output.Split('\n').Where(l => l.Contains(": note: ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, notes.Length);
        Assert.Contains(notes, l => l.StartsWith(Path.Combine(rules, "gambling.yaml") + ": note: differs from the one shipped with this version; to see how: diff -u ", StringComparison.Ordinal));
        Assert.Contains(notes, l => l.StartsWith(Path.Combine(rules, "promo.yaml") + ": note: not there, while this version ships ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_shipped_rules_pass_their_own_check()
    {
        var outcome = await Run("rules", "check", "--rules", Path.Combine(RepoPaths.Root, "rules"));

        Assert.True(outcome.ExitCode == 0, outcome.Output);
        Assert.DoesNotContain("warning:", outcome.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("note:", outcome.Output, StringComparison.Ordinal); // every shipped regex runs only where its words are
    }

    [Fact]
    public async Task Scan_writes_one_verdict_per_line_in_order_with_spans_over_what_was_written()
    {
        var rules = Rules(
            ("a.yaml", "pack: a\ncategory: ads\nseverity: high\nrules:\n  - id: a.contact\n    terms: [加微信]\n"),
            ("variants.txt", "微 薇\n"));
        var lines = new[] { "今天开会", "😀快 加 薇 信 啊", "", "ｂｙｅ", "加微信" };

        var (exit, output, error) = await ScanAsync(rules, string.Join('\n', lines) + "\n");

        Assert.Equal(0, exit);
        var verdicts = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(lines.Length, verdicts.Length);
        Assert.Equal([false, true, false, false, true], verdicts.Select(v => v.GetProperty("flagged").GetBoolean()));
        var hit = verdicts[1].GetProperty("hits")[0];
        Assert.Equal("a", hit.GetProperty("pack").GetString());
        Assert.Equal("a.contact", hit.GetProperty("rule").GetString());
        Assert.Equal("ads", hit.GetProperty("category").GetString());
        Assert.Equal("high", hit.GetProperty("severity").GetString());
        var start = hit.GetProperty("start").GetInt32();
        var length = hit.GetProperty("length").GetInt32();
        Assert.Equal("加 薇 信", lines[1].Substring(start, length)); // UTF-16 offsets, after the emoji
        Assert.Contains("5 lines, 2 flagged", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_explain_tells_what_was_found_and_did_not_count_and_why()
    {
        var rules = Rules(
            ("a.yaml", "pack: a\nrules:\n  - id: a.trash\n    terms: [垃圾]\n    target: person\n  - id: a.sale\n    terms: [出售]\n    unless: [出售二手书]\n"));
        var lines = new[] { "快递真垃圾", "出售二手书", "你就是垃圾", "今天开会" };

        var (exit, output, _) = await ScanAsync(rules, string.Join('\n', lines) + "\n", "--explain");
        var (_, plain, _) = await ScanAsync(rules, string.Join('\n', lines) + "\n");

        Assert.Equal(0, exit);
        var verdicts = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal([false, false, true, false], verdicts.Select(v => v.GetProperty("flagged").GetBoolean()));
        var trash = Assert.Single(verdicts[0].GetProperty("missed").EnumerateArray());
        Assert.Equal("a.trash", trash.GetProperty("rule").GetString());
        Assert.Equal("no-target", trash.GetProperty("why").GetString());
        Assert.Equal("person", trash.GetProperty("detail").GetString());
        Assert.Equal("垃圾", lines[0].Substring(trash.GetProperty("start").GetInt32(), trash.GetProperty("length").GetInt32()));
        var sale = Assert.Single(verdicts[1].GetProperty("missed").EnumerateArray());
        Assert.Equal("allowed", sale.GetProperty("why").GetString());
        Assert.Equal("出售二手书", sale.GetProperty("detail").GetString());
        Assert.Empty(verdicts[2].GetProperty("missed").EnumerateArray()); // the rule fired
        Assert.Empty(verdicts[3].GetProperty("missed").EnumerateArray());
        Assert.DoesNotContain("missed", plain, StringComparison.Ordinal); // only when asked
    }

    [Fact]
    public async Task Scan_explain_names_the_link_a_regex_allow_domains_let_pass()
    {
        var rules = Rules(
            ("f.yaml", "pack: f\nrules:\n  - id: f.bait\n    regex: '领取红包[^\\n]{0,20}?https?://[a-z0-9.-]*'\n    allow_domains: [qq.com]\n"));
        const string Lines = "领取红包 https://mp.weixin.qq.com/s/x\n领取红包 https://qq.com.evil.top/x\n";

        var (exit, output, _) = await ScanAsync(rules, Lines, "--explain");

        Assert.Equal(0, exit);
        var verdicts = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal([false, true], verdicts.Select(v => v.GetProperty("flagged").GetBoolean()));
        var missed = Assert.Single(verdicts[0].GetProperty("missed").EnumerateArray());
        Assert.Equal("allowed-domain", missed.GetProperty("why").GetString());
        Assert.Equal("https://mp.weixin.qq.com/s/x", missed.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Scan_with_a_group_reads_as_sent_there_its_packs_and_its_allow_list_and_refuses_what_is_no_group_id()
    {
        var rules = Rules(
            ("local.yaml", "pack: local\ngroups: [\"42\"]\nrules:\n  - id: local.buy\n    terms: [团购]\n"),
            ("a.yaml", "pack: a\nrules:\n  - id: a.contact\n    terms: [加微信]\n"),
            ("allow-42.txt", "加微信群\n"));
        const string Lines = "周末团购水果\n加微信群聊\n";

        var (_, everywhere, _) = await ScanAsync(rules, Lines);
        var (_, inGroup, _) = await ScanAsync(rules, Lines, "--group", "42");
        var (exit, elsewhere, _) = await ScanAsync(rules, Lines, "--group", "7", "--explain");
        var (refused, _, error) = await ScanAsync(rules, Lines, "--group", "4 2");

        static bool[] Flagged(string output) => [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("flagged").GetBoolean())];
        Assert.Equal([true, true], Flagged(everywhere)); // every pack, no group's allow list
        Assert.Equal([true, false], Flagged(inGroup)); // group 42's allow list covers 加微信群
        Assert.Equal(0, exit);
        Assert.Equal([false, true], Flagged(elsewhere)); // the pack of group 42 leaves group 7 out
        var missed = Assert.Single(JsonDocument.Parse(elsewhere.Split('\n')[0]).RootElement.GetProperty("missed").EnumerateArray());
        Assert.Equal("other-group", missed.GetProperty("why").GetString());
        Assert.NotEqual(0, refused);
        Assert.Contains("--group '4 2' is not a group id", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_with_broken_rules_says_why_and_exits_1()
    {
        var rules = Rules(("a.yaml", "pack: a\nrules:\n  - id: a.one\n"));

        var (exit, _, error) = await ScanAsync(rules, "hello\n");

        Assert.Equal(1, exit);
        Assert.Contains("a.yaml:3:", error, StringComparison.Ordinal);
    }

    private async Task<(int Exit, string Output, string Error)> ScanAsync(string rules, string input, params string[] more)
    {
        using var process = GroupGuardProcess.Start(Folder, new Dictionary<string, string>(), ["scan", "--rules", rules, .. more]);
        process.StandardInput.AutoFlush = true;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(cancel.Token);
        return (process.ExitCode, await output, await error);
    }

    public void Dispose() => _temp.Dispose();
}
