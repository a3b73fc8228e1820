using GroupGuard.Core.Rules;

namespace GroupGuard.Core.Tests.Rules;

/// <summary>
/// A pack's and a rule's word fields (action, severity, mode, match, target, target_scope,
/// interference) take exactly one of their documented words: never a comma list (which the
/// runtime's enum parser reads as flags combined into a value no rule may have) nor a number.
/// </summary>
public sealed class PackFieldTests
{
    public static TheoryData<string, int, string> WordFields()
    {
        var data = new TheoryData<string, int, string>();
        // Pack level: line 2.
        foreach (var (key, a, b) in new[] { ("action", "recall", "kick"), ("severity", "low", "critical"), ("mode", "enforce", "shadow") })
        {
            foreach (var value in new[] { $"{a}, {b}", $"{a},{b}", "3", "1" })
            {
                data.Add($"pack: x\n{key}: {value}\nrules:\n  - id: x.a\n    terms: [加微信]\n", 2, key);
            }
        }

        // Rule level: the last line.
        foreach (var (key, a, b, before) in new[]
        {
            ("action", "recall", "kick", "    terms: [加微信]\n"),
            ("severity", "low", "critical", "    terms: [加微信]\n"),
            ("mode", "enforce", "shadow", "    terms: [加微信]\n"),
            ("match", "word", "substring", "    terms: [加微信]\n"),
            ("target", "person", "group", "    terms: [垃圾]\n"),
            ("target_scope", "clause", "message", "    terms: [垃圾]\n    target: person\n"),
            ("interference", "skip", "keep", "    regex: 'ab'\n"),
        })
        {
            foreach (var value in new[] { $"{a}, {b}", $"{b}, {a}", "3", "2" })
            {
                var yaml = $"pack: x\nrules:\n  - id: x.a\n{before}    {key}: {value}\n";
                data.Add(yaml, yaml.Count(c => c == '\n'), key);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(WordFields))]
    public void A_word_field_takes_one_documented_word_never_a_list_or_a_number(string yaml, int line, string key)
    {
        using var dir = new TempFolder();
        dir.Write("x.yaml", yaml);

        var result = RuleLoader.Load(dir.Path);

        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Errors);
        Assert.Equal("x.yaml", Path.GetFileName(error.Path));
        Assert.Equal(line, error.Line);
        Assert.StartsWith($"'{key}' is '", error.Message, StringComparison.Ordinal);
        Assert.Contains("expected ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("action", "recal", "log | warn | recall | mute | kick")]
    [InlineData("severity", "hi", "low | medium | high | critical")]
    [InlineData("mode", "shadows", "enforce | shadow")]
    public void A_word_not_documented_is_an_error_listing_the_choices(string key, string value, string choices)
    {
        using var dir = new TempFolder();
        dir.Write("x.yaml", $"pack: x\n{key}: {value}\nrules:\n  - id: x.a\n    terms: [加微信]\n");

        var result = RuleLoader.Load(dir.Path);

        var error = Assert.Single(result.Errors);
        Assert.Equal(2, error.Line);
        Assert.Contains($"expected {choices}", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A misspelling, or the Chinese the console and the group say, names the word to write.</summary>
    [Theory]
    [InlineData("action", "recal", "'action' is 'recal', expected log | warn | recall | mute | kick: write 'recall'")]
    [InlineData("action", "撤回", "'action' is '撤回', expected log | warn | recall | mute | kick: write 'recall'")]
    [InlineData("action", "禁言", "'action' is '禁言', expected log | warn | recall | mute | kick: write 'mute'")]
    [InlineData("severity", "critcal", "'severity' is 'critcal', expected low | medium | high | critical: write 'critical'")]
    [InlineData("severity", "高", "'severity' is '高', expected low | medium | high | critical: write 'high'")]
    [InlineData("mode", "试运行", "'mode' is '试运行', expected enforce | shadow: write 'shadow'")]
    [InlineData("severity", "hi", "'severity' is 'hi', expected low | medium | high | critical")]
    public void A_word_misspelt_or_written_in_chinese_names_the_word_to_write(string key, string value, string expected)
    {
        using var dir = new TempFolder();
        dir.Write("x.yaml", $"pack: x\n{key}: {value}\nrules:\n  - id: x.a\n    terms: [加微信]\n");

        var error = Assert.Single(RuleLoader.Load(dir.Path).Errors);

        Assert.Equal(2, error.Line);
        Assert.Equal(expected, error.Message);
    }

    [Theory]
    [InlineData("是", "'pinyin' is '是', expected true or false: write 'true'")]
    [InlineData("否", "'pinyin' is '否', expected true or false: write 'false'")]
    public void A_yes_or_no_in_chinese_names_the_word_to_write(string value, string expected)
    {
        using var dir = new TempFolder();
        dir.Write("x.yaml", $"pack: x\nrules:\n  - id: x.a\n    terms: [加微信]\n    pinyin: {value}\n");

        var error = Assert.Single(RuleLoader.Load(dir.Path).Errors);

        Assert.Equal(5, error.Line);
        Assert.Equal(expected, error.Message);
    }

    [Theory]
    [InlineData("    term: [私聊领取]\n", "unknown rule key 'term': write 'terms' (expected one of: id, ")]
    [InlineData("    Terms: [私聊领取]\n", "unknown rule key 'Terms': write 'terms' (expected one of: id, ")]
    [InlineData("    关键词: [私聊领取]\n", "unknown rule key '关键词': write 'terms' (expected one of: id, ")]
    [InlineData("    terms: [私聊领取]\n    groups: [123456]\n", "unknown rule key 'groups': 'groups' is a key of the pack, written at the left edge above 'rules:'; put a rule that needs its own in a pack of its own (expected one of: id, ")]
    [InlineData("    terms: [私聊领取]\n    colour: red\n", "unknown rule key 'colour' (expected one of: id, ")]
    [InlineData("    terms: [卖号]\n    allow: [官方交易行]\n", "unknown rule key 'allow': phrases that cancel this rule's hits are 'unless' (a phrase that holds the hit: 微信支付 for 微信) or 'unless_near' (a phrase anywhere in the hit's sentence); for every rule, a line of allow.txt (expected one of: id, ")]
    [InlineData("    terms: [卖号]\n    白名单: [官方交易行]\n", "unknown rule key '白名单': phrases that cancel this rule's hits are 'unless'")]
    public void An_unknown_key_names_the_key_to_write_where_one_was_plainly_meant(string keys, string expected)
    {
        using var dir = new TempFolder();
        dir.Write("x.yaml", "pack: x\nrules:\n  - id: x.a\n" + keys);

        var result = RuleLoader.Load(dir.Path);

        Assert.Contains(result.Errors, e => e.Message.StartsWith(expected, StringComparison.Ordinal));
    }

    /// <summary>
    /// What an administrator looks for in a pack and the service keeps elsewhere (escalation of
    /// repeat offenders and exempt members are settings; allowed phrases are unless_near or
    /// allow.txt) was an unknown key with nothing more said; now the error says where it is written.
    /// </summary>
    [Theory]
    [InlineData("escalation: [{count: 2, action: mute}]\n", "unknown pack key 'escalation': repeat offenders are escalated by a setting of the service, not of a pack: GroupGuard:Moderation:Escalation, or GroupGuard:Groups:<group id>:Escalation for one group (README, Settings); the pack's action is the first offence's (expected one of: pack, ")]
    [InlineData("exempt_users: ['12345']\n", "unknown pack key 'exempt_users': members who are never acted on are a setting of the service, not of a pack: GroupGuard:Moderation:ExemptUsers (README, Settings); owners and admins are never acted on (expected one of: pack, ")]
    [InlineData("whitelist: [王老师]\n", "unknown pack key 'whitelist': phrases that cancel a hit are 'unless_near' here (a phrase anywhere in the hit's sentence, for every rule of the pack), a rule's 'unless', or a line of allow.txt (allow-<group id>.txt for one group) (expected one of: pack, ")]
    public void A_pack_key_for_what_is_written_elsewhere_says_where(string key, string expected)
    {
        using var dir = new TempFolder();
        dir.Write("x.yaml", "pack: x\n" + key + "rules:\n  - id: x.a\n    terms: [私聊领取]\n");

        var error = Assert.Single(RuleLoader.Load(dir.Path).Errors);

        Assert.Equal(2, error.Line);
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A regex typed with a bracket or parenthesis meant as itself, or a + with nothing before it,
    /// said only the engine's words (Unterminated [] set); now also what the character does and how
    /// to write it as itself.
    /// </summary>
    [Theory]
    [InlineData("[0-9+元/万金", "rule 'x.a': invalid regex: Invalid pattern '[0-9+元/万金' at offset 9. Unterminated [] set.; a '[' opens a set of characters that a ']' closes ([元块] is 元 or 块); to match a bracket itself, write \\[ and \\]")]
    [InlineData("(出售|转让账号", "; a '(' opens a group that a ')' closes ((元|块) is 元 or 块); to match a parenthesis itself, write \\( and \\)")]
    [InlineData("+v\\d+", "; *, +, ? and {} repeat what stands before them; to match the character itself, write \\* \\+ \\? or \\{ (\\+v for +v)")]
    public void A_regex_that_does_not_parse_says_how_to_write_the_character_as_itself(string pattern, string expected)
    {
        using var dir = new TempFolder();
        dir.Write("x.yaml", $"pack: x\nrules:\n  - id: x.a\n    regex: '{pattern}'\n");

        var error = Assert.Single(RuleLoader.Load(dir.Path).Errors);

        Assert.Equal(4, error.Line);
        Assert.EndsWith(expected, error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A rule's mute_minutes beside an action that mutes nobody (warn, recall) loaded and was never
    /// read: a member was warned, not muted for the 30 minutes written. Now a warning on its line.
    /// </summary>
    [Theory]
    [InlineData("    action: warn\n    mute_minutes: 30\n", 6, "rule 'x.a': mute_minutes is used only with action mute (or kick, where the platform cannot kick), and this rule's action is warn, so it is not used: to mute, write action: mute; repeat offenders are muted by the escalation steps of the service (GroupGuard:Moderation:Escalation)")]
    [InlineData("    mute_minutes: 30\n", 5, "rule 'x.a': mute_minutes is used only with action mute (or kick, where the platform cannot kick), and this rule's action is recall, so it is not used: to mute, write action: mute; repeat offenders are muted by the escalation steps of the service (GroupGuard:Moderation:Escalation)")]
    public void A_rule_s_mute_minutes_beside_an_action_that_mutes_nobody_is_a_warning(string keys, int line, string expected)
    {
        using var dir = new TempFolder();
        dir.Write("x.yaml", "pack: x\naction: recall\nrules:\n  - id: x.a\n" + keys + "    detector: cn_mobile\n");

        var result = RuleLoader.Load(dir.Path);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        var warning = Assert.Single(result.Warnings);
        Assert.Equal((line, expected), (warning.Line, warning.Message));
    }

    [Theory]
    [InlineData("    action: mute\n    mute_minutes: 30\n")]
    [InlineData("    action: kick\n    mute_minutes: 30\n")]
    public void A_rule_s_mute_minutes_beside_mute_or_kick_is_no_warning(string keys)
    {
        using var dir = new TempFolder();
        dir.Write("x.yaml", "pack: x\naction: recall\nmute_minutes: 20\nrules:\n  - id: x.a\n" + keys + "    detector: cn_mobile\n");

        Assert.Empty(RuleLoader.Load(dir.Path).Warnings);
    }

    /// <summary>
    /// A key misspelt gave its own error and then those of the key's absence (no terms, nothing to
    /// match, 'unless' with no terms …): three errors for one mistake, the first of which already
    /// names the fix. Now it is the one error; the rule still does not load.
    /// </summary>
    [Theory]
    [InlineData("pack: x\nrules:\n  - id: x.a\n    terrms: [私聊领取]\n    unless: [私聊领取红包]\n    target: person\n", 4, "unknown rule key 'terrms': write 'terms'")]
    [InlineData("pack: x\nrules:\n  - id: x.a\n    term_file: x.txt\n    unless_preceded_by: [不]\n", 4, "unknown rule key 'term_file': write 'terms_file'")]
    [InlineData("pack: x\nrules:\n  - id: x.a\n    关键词: [私聊领取]\n    unless: [私聊领取红包]\n", 4, "unknown rule key '关键词': write 'terms'")]
    [InlineData("pack: x\nrules:\n  - id: x.a\n    regx: 'ab'\n    interference: keep\n    unless_near: [诈骗]\n", 4, "unknown rule key 'regx': write 'regex'")]
    [InlineData("pack: x\nrules:\n  - id: x.a\n    detecter: url\n    allow_domains: [qq.com]\n", 4, "unknown rule key 'detecter': write 'detector'")]
    [InlineData("pack: x\nrules:\n  - id: x.a\n    terms: [垃圾]\n    targt: person\n    target_scope: message\n", 5, "unknown rule key 'targt': write 'target'")]
    [InlineData("pack: x\nrules:\n  - ids: x.a\n    terms: [私聊领取]\n", 3, "unknown rule key 'ids': write 'id'")]
    [InlineData("pack: x\nrules:\n  - id: x.a\n    terms: [私聊领取]\n    acton: recall\n", 5, "unknown rule key 'acton': write 'action'")]
    [InlineData("pakc: x\nrules:\n  - id: x.a\n    terms: [私聊领取]\n", 1, "unknown pack key 'pakc': write 'pack'")]
    [InlineData("pack: x\nrule:\n  - id: x.a\n    terms: [私聊领取]\n", 2, "unknown pack key 'rule': write 'rules'")]
    [InlineData("pack: x\nrules:\n  - id: x.a\n    flood: { messages: 8, secnds: 10 }\n", 4, "rule 'x.a': in 'flood', 'secnds' must be messages or seconds, a whole number from 1 to 86400: write 'seconds'")]
    public void A_misspelt_key_is_one_error_naming_the_key_to_write_not_also_what_its_absence_leads_to(string yaml, int line, string expected)
    {
        using var dir = new TempFolder();
        dir.Write("x.yaml", yaml);

        var result = RuleLoader.Load(dir.Path);

        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Errors);
        Assert.Equal(line, error.Line);
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_that_names_no_key_leaves_what_its_absence_leads_to_reported_and_a_misspelt_one_every_other_mistake()
    {
        using var dir = new TempFolder();
        dir.Write("x.yaml", "pack: x\nrules:\n  - id: x.a\n    colour: [私聊领取]\n    unless: [私聊领取红包]\n  - id: x.b\n    terrms: [加微信]\n    match: wrd\n");

        var result = RuleLoader.Load(dir.Path);

        Assert.Collection(
            result.Errors,
            e => Assert.Equal((4, "unknown rule key 'colour'"), (e.Line, e.Message.Split(" (expected")[0])),
            e => Assert.Equal((3, "rule 'x.a' has nothing to match: give it terms, terms_file, regex, detector, flood, repeat or mention_all"), (e.Line, e.Message)),
            e => Assert.Equal((5, "rule 'x.a': 'unless' applies to terms; this rule has none"), (e.Line, e.Message)),
            e => Assert.Equal((7, "unknown rule key 'terrms': write 'terms'"), (e.Line, e.Message.Split(" (expected")[0])),
            e => Assert.Equal((8, "'match' is 'wrd', expected auto | word | substring: write 'word'"), (e.Line, e.Message)));
    }

    [Fact]
    public void A_documented_word_in_another_case_loads_as_packs_written_for_earlier_versions_have_it()
    {
        using var dir = new TempFolder();
        dir.Write("x.yaml", "pack: x\nseverity: HIGH\naction: Recall\nrules:\n  - id: x.a\n    terms: [加微信]\n");

        var result = RuleLoader.Load(dir.Path);

        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        var rule = Assert.Single(result.RuleSet!.Packs.Single().Rules);
        Assert.Equal((GroupGuard.Core.Severity.High, GroupGuard.Core.ModerationAction.Recall), (rule.Severity, rule.Action));
    }

    [Fact]
    public void A_comma_list_is_named_as_such()
    {
        using var dir = new TempFolder();
        dir.Write("x.yaml", "pack: x\nrules:\n  - id: x.a\n    terms: [垃圾]\n    target: person, group\n");

        var result = RuleLoader.Load(dir.Path);

        var error = Assert.Single(result.Errors);
        Assert.Equal(5, error.Line);
        Assert.Equal("'target' is 'person, group', expected any | person | group (one word, not a list)", error.Message);
    }

    [Fact]
    public void Every_documented_word_loads()
    {
        using var dir = new TempFolder();
        dir.Write("x.yaml", """
            pack: x
            severity: critical
            action: kick
            mode: shadow
            rules:
              - id: x.a
                terms: [垃圾]
                match: substring
                target: group
                target_scope: message
                severity: low
                action: mute
                mode: enforce
              - id: x.b
                regex: 'ab'
                interference: keep
                action: warn
            """);

        var result = RuleLoader.Load(dir.Path);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        var (a, b) = (result.RuleSet!.Rules[0], result.RuleSet.Rules[1]);
        Assert.Equal((TermMatch.Substring, TermTarget.Group, TargetScope.Message, Severity.Low, ModerationAction.Mute, RuleMode.Enforce), (a.Match, a.Target, a.TargetScope, a.Severity, a.Action, a.Mode));
        Assert.Equal((Interference.Keep, ModerationAction.Warn, Severity.Critical, RuleMode.Shadow), (b.Interference, b.Action, b.Severity, b.Mode));
    }
}
