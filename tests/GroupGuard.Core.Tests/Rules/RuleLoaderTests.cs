using GroupGuard.Core.Rules;

namespace GroupGuard.Core.Tests.Rules;

public sealed class RuleLoaderTests
{
    [Fact]
    public void A_valid_pack_loads_with_its_defaults_and_overrides()
    {
        using var dir = new TempFolder();
        dir.Write("ads.yaml", """
            pack: ads
            name: 广告引流
            category: ads
            severity: medium
            action: recall
            mute_minutes: 15
            mode: enforce
            groups: ["*", "!999"]
            rules:
              - id: ads.contact
                terms: [加微信, 私聊领取]
                terms_file: contact.txt
              - id: ads.site
                regex: '(?i)https?://[^\s]*\.(xyz|top)\b'
                severity: critical
                mode: shadow
            """);
        dir.Write("contact.txt", "# comment line\n加v信  # trailing comment\n\n代理招募\n");

        var result = RuleLoader.Load(dir.Path);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        var set = result.RuleSet!;
        var pack = Assert.Single(set.Packs);
        Assert.Equal("广告引流", pack.Name);
        Assert.Equal(2, set.Rules.Count);
        var contact = set.Rules[0];
        Assert.Equal(["加微信", "私聊领取", "加v信", "代理招募"], contact.Terms.Select(t => t.Text));
        Assert.Equal(ModerationAction.Recall, contact.Action);
        Assert.Equal(15, contact.MuteMinutes);
        Assert.True(contact.Groups.Covers("123"));
        Assert.False(contact.Groups.Covers("999"));
        var site = set.Rules[1];
        Assert.Equal(Severity.Critical, site.Severity);
        Assert.Equal(RuleMode.Shadow, site.Mode);
        Assert.NotNull(site.Regex);
        Assert.Equal(4, set.TermCount);
    }

    [Fact]
    public void Every_problem_is_reported_at_once_with_path_and_line()
    {
        using var dir = new TempFolder();
        dir.Write("bad.yaml", """
            pack: bad
            severity: extreme
            colour: red
            rules:
              - id: bad.one
                terms: [ok, ""]
              - id: bad.two
                regex: '(unclosed'
              - id: bad.three
                terms_file: missing.txt
              - id: bad.four
                action: ban
              - id: bad.empty
            """);
        dir.Write("other.yaml", """
            pack: other
            rules:
              - id: bad.one
                terms: [x]
            """);

        var result = RuleLoader.Load(dir.Path);

        Assert.False(result.Succeeded);
        var messages = result.Errors.Select(e => e.ToString()).ToArray();
        Assert.Contains(messages, m => m.Contains("bad.yaml:2:", StringComparison.Ordinal) && m.Contains("extreme", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("bad.yaml:3:", StringComparison.Ordinal) && m.Contains("unknown pack key 'colour'", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("bad.yaml:6:", StringComparison.Ordinal) && m.Contains("empty term", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("bad.yaml:8:", StringComparison.Ordinal) && m.Contains("invalid regex", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("bad.yaml:10:", StringComparison.Ordinal) && m.Contains("missing.txt", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("bad.yaml:12:", StringComparison.Ordinal) && m.Contains("'ban'", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("bad.yaml:13:", StringComparison.Ordinal) && m.Contains("nothing to match", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("other.yaml:3:", StringComparison.Ordinal) && m.Contains("duplicate rule id 'bad.one'", StringComparison.Ordinal));
    }

    [Fact]
    public void A_yaml_syntax_error_names_the_file_and_line()
    {
        using var dir = new TempFolder();
        dir.Write("broken.yaml", "pack: broken\nrules:\n  - id: x\n    terms: [a, b\n");

        var result = RuleLoader.Load(dir.Path);

        var error = Assert.Single(result.Errors);
        Assert.Equal("broken.yaml", Path.GetFileName(error.Path));
        Assert.True(error.Line > 0);
        Assert.Contains("YAML syntax", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A list left open at the end of the file: the parser finds out at the end of the text, past
    /// the newline that ends the last line, and the error named a line the file does not have.
    /// </summary>
    [Fact]
    public void An_unclosed_list_on_the_last_line_is_reported_on_that_line_not_one_past_the_end()
    {
        using var dir = new TempFolder();
        dir.Write("local.yaml", "pack: local\nname: 本地\naction: recall\nrules:\n  - id: local.mars\n    terms: [火星文]\n  - id: local.ads\n    terms: [加微信, 私聊\n");

        var error = Assert.Single(RuleLoader.Load(dir.Path).Errors);

        Assert.Equal(8, error.Line);
        Assert.StartsWith("YAML syntax", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unclosed_list_over_several_lines_is_reported_where_it_opened()
    {
        using var dir = new TempFolder();
        dir.Write("local.yaml", "pack: local\nrules:\n  - id: local.mars\n    terms: [火星文]\n  - id: local.ads\n    terms: [加微信,\n      私聊,\n      领取\n\n");

        var error = Assert.Single(RuleLoader.Load(dir.Path).Errors);

        Assert.Equal(6, error.Line);
        Assert.StartsWith("YAML syntax", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_syntax_error_inside_the_file_keeps_its_own_line()
    {
        using var dir = new TempFolder();
        dir.Write("local.yaml", "pack: local\nrules:\n  - id: local.mars\n    terms: [火星文]]\n  - id: local.ads\n    terms: [加微信]\n");

        var error = Assert.Single(RuleLoader.Load(dir.Path).Errors);

        Assert.Equal(4, error.Line);
    }

    [Fact]
    public void A_missing_folder_is_an_error_not_an_empty_rule_set()
    {
        var result = RuleLoader.Load(Path.Combine(Path.GetTempPath(), "gg-no-such-" + Guid.NewGuid().ToString("n")));

        Assert.False(result.Succeeded);
        Assert.Contains("does not exist", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_version_changes_with_the_content_and_only_with_it()
    {
        using var dir = new TempFolder();
        dir.Write("p.yaml", "pack: p\nrules:\n  - id: p.a\n    terms_file: t.txt\n");
        dir.Write("t.txt", "one\n");

        var first = RuleLoader.Load(dir.Path).RuleSet!.Version;
        var again = RuleLoader.Load(dir.Path).RuleSet!.Version;
        dir.Write("t.txt", "one\ntwo\n");
        var changed = RuleLoader.Load(dir.Path).RuleSet!.Version;

        Assert.Equal(first, again);
        Assert.NotEqual(first, changed);
    }

    [Fact]
    public void Stream_rules_and_warnings_load()
    {
        using var dir = new TempFolder();
        dir.Write("p.yaml", "pack: p\nwarning: 别刷屏\nrules:\n  - id: p.flood\n    flood: { messages: 8, seconds: 10 }\n  - id: p.wave\n    repeat: { times: 3, seconds: 120 }\n  - id: p.all\n    mention_all: true\n    warning: 只有管理员可以@全体\n");

        var result = RuleLoader.Load(dir.Path);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        var rules = result.RuleSet!.Rules;
        Assert.Equal(new StreamRule(StreamKind.Flood, 8, 10), rules[0].Stream);
        Assert.Equal(new StreamRule(StreamKind.Repeat, 3, 120), rules[1].Stream);
        Assert.Equal(StreamKind.MentionAll, rules[2].Stream!.Kind);
        Assert.Equal("别刷屏", rules[0].WarningTemplate);
        Assert.Equal("只有管理员可以@全体", rules[2].WarningTemplate);
    }

    [Theory]
    [InlineData("    flood: { messages: 8 }\n", "needs both messages and seconds")]
    [InlineData("    flood: { messages: 0, seconds: 10 }\n", "whole number")]
    [InlineData("    repeat: 3\n", "must be a mapping")]
    public void Stream_rule_mistakes_are_reported(string body, string message)
    {
        using var dir = new TempFolder();
        dir.Write("p.yaml", "pack: p\nrules:\n  - id: p.s\n" + body);

        var result = RuleLoader.Load(dir.Path);

        Assert.Contains(result.Errors, e => e.Line >= 4 && e.Message.Contains(message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("  - id: x.one\n    terms: [广]\n    match: substring\n", 4, "one-character term")]
    [InlineData("  - id: x.re\n    regex: '(a)\\1'\n", 4, "linear time")]
    [InlineData("  - id: x.re\n    regex: '(?<![0-9])1'\n", 4, "linear time")]
    [InlineData("  - id: x.re\n    regex: '(?<!不)加微信'\n", 4, "rule 'x.re': the regex uses a lookbehind or lookahead ((?<! …), (?<= …), (?! …), (?= …)), which GroupGuard does not run: every regex runs in linear time, so that no message can make it slow; to leave out a match with a word right before it, list the word in the rule's unless_preceded_by (unless_preceded_by: [不])")]
    [InlineData("  - id: x.re\n    regex: '加微信(?=群)'\n", 4, "rule 'x.re': the regex uses a lookbehind or lookahead")]
    [InlineData("  - id: x.re\n    regex: '(哈)\\1{3}'\n", 4, "rule 'x.re': the regex uses a backreference (\\1, \\k<name>), which GroupGuard does not run: every regex runs in linear time, so that no message can make it slow; write the repeated text out (哈{3,}, (哈哈|呵呵){2})")]
    [InlineData("  - id: x.re\n    regex: '(?>加微信)'\n", 4, "rule 'x.re': the regex uses an atomic group (?> …), which GroupGuard does not run: every regex runs in linear time, so that no message can make it slow; write ( … ) instead")]
    [InlineData("  - id: x.det\n    detector: palm_reading\n", 4, "palm_reading")]
    [InlineData("  - id: x.sym\n    terms: ['！！']\n", 4, "no letters")]
    [InlineData("  - id: x.pin\n    terms: [傻逼]\n    pinyin: maybe\n", 5, "true or false")]
    [InlineData("  - id: x.mix\n    terms: [a1]\n    regex: 'b'\n", 3, "mixes")]
    [InlineData("  - id: x.dom\n    terms: [a1]\n    allow_domains: [qq.com]\n", 5, "detector: url")]
    [InlineData("  - id: x.neg\n    flood: { messages: 8, seconds: 10 }\n    unless_preceded_by: [不]\n", 5, "'unless_preceded_by' applies to terms, a regex or a detector")]
    [InlineData("  - id: x.near\n    mention_all: true\n    unless_near: [诈骗]\n", 5, "'unless_near' and 'unless_near_file' apply to terms, a regex or a detector")]
    [InlineData("  - id: x.near\n    regex: 'ab'\n    unless_near: ['？！']\n", 5, "rule 'x.near': unless_near phrase '？！' has no letters")]
    [InlineData("  - id: x.near\n    regex: 'ab'\n    unless_near: {诈骗: 1}\n", 5, "rule 'x.near': 'unless_near' must be a list")]
    [InlineData("  - id: x.neg\n    terms: [ab]\n    unless_preceded_by: ['，']\n", 5, "no letters")]
    [InlineData("  - id: x.target\n    regex: 'ab'\n    target: person\n", 5, "'target' applies to terms")]
    [InlineData("  - id: x.target\n    terms: [垃圾]\n    target: people\n", 5, "'target' is 'people', expected any | person")]
    [InlineData("  - id: x.scope\n    terms: [垃圾]\n    target_scope: message\n", 5, "'target_scope' needs 'target: person' or 'target: group'")]
    [InlineData("  - id: x.scope\n    terms: [垃圾]\n    target: group\n    target_scope: paragraph\n", 6, "'target_scope' is 'paragraph', expected clause | sentence | message")]
    [InlineData("  - id: x.new\n    terms: [加微信]\n    newcomer_hours: 0\n", 5, "'newcomer_hours' is '0', expected whole hours from 1 to 8760")]
    [InlineData("  - id: x.new\n    terms: [加微信]\n    newcomer_hours: 8761\n", 5, "'newcomer_hours' is '8761'")]
    [InlineData("  - id: x.new\n    terms: [加微信]\n    newcomer_hours: 1.5\n", 5, "'newcomer_hours' is '1.5'")]
    [InlineData("  - id: x.new\n    terms: [加微信]\n    newcomer_hours: soon\n", 5, "'newcomer_hours' is 'soon'")]
    [InlineData("  - id: x.int\n    terms: [加微信]\n    interference: keep\n", 5, "'interference' applies to a regex")]
    [InlineData("  - id: x.int\n    regex: 'ab'\n    interference: drop\n", 5, "'interference' is 'drop', expected skip | keep")]
    public void Rule_mistakes_are_reported_on_their_line(string rule, int line, string message)
    {
        using var dir = new TempFolder();
        dir.Write("x.yaml", "pack: x\nrules:\n" + rule);

        var result = RuleLoader.Load(dir.Path);

        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, e => e.Line == line && e.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Unless_near_file_reads_a_list_of_phrases_beside_the_packs_for_a_pack_or_a_rule()
    {
        using var dir = new TempFolder();
        dir.Write("notice.txt", "# what a notice says\n是诈骗\n\n是骗局\n");
        dir.Write("x.yaml", "pack: x\nunless_near_file: notice.txt\nrules:\n  - id: x.a\n    regex: 'ab'\n  - id: x.b\n    regex: 'cd'\n    unless_near: [违法]\n    unless_near_file: notice.txt\n  - id: x.c\n    regex: 'ef'\n    unless_near: [违法]\n");

        var result = RuleLoader.Load(dir.Path);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        var rules = result.RuleSet!.Rules.ToDictionary(r => r.Id);
        Assert.Equal(["是诈骗", "是骗局"], rules["x.a"].UnlessNear.Select(p => p.Text));
        Assert.Equal(["违法", "是诈骗", "是骗局"], rules["x.b"].UnlessNear.Select(p => p.Text));
        Assert.Equal(["违法"], rules["x.c"].UnlessNear.Select(p => p.Text)); // a rule's own list replaces the pack's
        Assert.EndsWith("notice.txt", rules["x.a"].UnlessNear[0].SourcePath, StringComparison.Ordinal);
        Assert.Equal(2, rules["x.a"].UnlessNear[0].Line);
    }

    [Fact]
    public void Mistakes_in_an_unless_near_file_are_reported_on_its_line_and_a_missing_one_on_the_pack_s()
    {
        using var dir = new TempFolder();
        dir.Write("notice.txt", "是诈骗\n！！\n");
        dir.Write("x.yaml", "pack: x\nunless_near_file: notice.txt\nrules:\n  - id: x.a\n    regex: 'ab'\n    unless_near_file: gone.txt\n");

        var result = RuleLoader.Load(dir.Path);

        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, e => e.Path.EndsWith("notice.txt", StringComparison.Ordinal) && e.Line == 2 && e.Message.Contains("pack 'x': unless_near phrase '！！' has no letters", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.Path.EndsWith("x.yaml", StringComparison.Ordinal) && e.Line == 6 && e.Message.Contains("rule 'x.a': unless_near_file 'gone.txt' not found", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("unless_near: ['，']\n", "pack 'x': unless_near phrase '，' has no letters")]
    [InlineData("unless_preceded_by: {警惕: 1}\n", "pack 'x': 'unless_preceded_by' must be a list")]
    [InlineData("unless_near: [\"\"]\n", "pack 'x': empty entry in 'unless_near'")]
    public void Mistakes_in_a_pack_s_own_lists_name_the_pack_and_the_line(string line, string message)
    {
        using var dir = new TempFolder();
        dir.Write("x.yaml", "pack: x\n" + line + "rules:\n  - id: x.re\n    regex: 'ab'\n");

        var result = RuleLoader.Load(dir.Path);

        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, e => e.Line == 2 && e.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void A_rule_may_ask_for_a_person_as_its_target()
    {
        using var dir = new TempFolder();
        dir.Write("x.yaml", "pack: x\nrules:\n  - id: x.trash\n    terms: [垃圾]\n    target: person\n  - id: x.any\n    terms: [废物]\n    target: any\n  - id: x.none\n    terms: [人渣]\n");

        var result = RuleLoader.Load(dir.Path);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal([TermTarget.Person, TermTarget.Any, TermTarget.Any], result.RuleSet!.Rules.Select(r => r.Target));
    }

    [Fact]
    public void A_rule_may_apply_to_newcomers_only()
    {
        using var dir = new TempFolder();
        dir.Write("x.yaml", "pack: x\nrules:\n  - id: x.new\n    terms: [加微信]\n    newcomer_hours: 24\n  - id: x.all\n    terms: [加QQ]\n    newcomer_hours: 8760\n  - id: x.every\n    terms: [私聊]\n");

        var result = RuleLoader.Load(dir.Path);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal([24, 8760, null], result.RuleSet!.Rules.Select(r => r.NewcomerHours));
    }

    [Fact]
    public void Allow_and_variants_files_are_read_and_checked()
    {
        using var dir = new TempFolder();
        dir.Write("p.yaml", "pack: p\nrules:\n  - id: p.t\n    terms: [加微信]\n");
        dir.Write("allow.txt", "# phrases that are fine\n微信支付\n\n！！\n");
        dir.Write("variants.txt", "微 薇 v\n信 芯 v\n口口 回\n");

        var result = RuleLoader.Load(dir.Path);

        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, e => e.Path.EndsWith("allow.txt", StringComparison.Ordinal) && e.Line == 4);
        Assert.Contains(result.Errors, e => e.Path.EndsWith("variants.txt", StringComparison.Ordinal) && e.Line == 2 && e.Message.Contains("already a variant", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.Path.EndsWith("variants.txt", StringComparison.Ordinal) && e.Line == 3 && e.Message.Contains("single character", StringComparison.Ordinal));
    }

    [Fact]
    public void The_shipped_rule_packs_load_without_errors()
    {
        var rules = FindRepoFolder("rules");

        var result = RuleLoader.Load(rules);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Empty(result.Warnings);
        var categories = result.RuleSet!.Packs.Select(p => p.Category).ToHashSet();
        Assert.Superset(new HashSet<string> { "ads", "fraud", "gambling", "porn", "abuse", "privacy" }, categories);
    }

    internal static string FindRepoFolder(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "GroupGuard.sln")))
            {
                return Path.Combine(dir.FullName, name);
            }
        }

        throw new InvalidOperationException("GroupGuard.sln not found above " + AppContext.BaseDirectory);
    }
}
