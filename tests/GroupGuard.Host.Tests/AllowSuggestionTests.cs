using System.Text.RegularExpressions;
using GroupGuard.Core;
using GroupGuard.Core.Detection;
using GroupGuard.Core.Rules;
using GroupGuard.Host.Cli;
using GroupGuard.Testing;
using GroupGuard.Text.Jieba;
using Microsoft.Extensions.Logging.Abstractions;

namespace GroupGuard.Host.Tests;

/// <summary>
/// What <c>incidents mark --false-positive</c> suggests, on false positives of the shipped packs and
/// of rules an operator writes, with the real segmenter: whole words around the hit, under the key
/// the rule's kind takes, that cancel the hit once added to the rules and loaded; and nothing to
/// allow for an insult said plainly.
/// </summary>
[Collection(JiebaCollection.Name)]
public sealed partial class AllowSuggestionTests : IDisposable
{
    private const string Group = "123456";

    // Rules an operator adds beside the shipped packs: a bare drug word, and any mobile number.
    private const string OperatorPack = """
        pack: ops
        name: 本群规则
        category: contraband
        severity: high
        action: recall
        rules:
          - id: ops.powder
            terms: [白粉]
            match: substring
          - id: ops.phone
            regex: '1[3-9]\d{9}'
        """;

    private readonly TempFolder _folder = new();
    private readonly JiebaWordSegmenter _segmenter = new(NullLogger<JiebaWordSegmenter>.Instance);

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("你看这快递真垃圾", "abuse.contempt", "快递真垃圾")]           // target: person, and 你 is only who is spoken to
    [InlineData("你给孩子加个屁帘儿吧", "abuse.contempt", "个屁帘儿")]         // 个屁 inside 屁帘儿, a baby's flap
    [InlineData("漂白粉多少钱", "ops.powder", "漂白粉")]                    // 白粉 inside 漂白粉
    public void A_term_rule_gets_an_unless_of_whole_words_that_cancels_the_hit(string message, string ruleId, string expected)
    {
        var (rules, incident, advice, suggestion) = Mark(message, ruleId);

        Assert.Equal(expected, suggestion.Phrase);
        AssertWholeWordsAroundTheHit(message, incident, suggestion.Phrase!);
        var unless = Assert.Single(Lines(advice, UnlessLine()));
        Assert.Equal(expected, unless);
        var groupLine = LineUnder(advice, GroupAllowList.FileName(Group));
        Assert.Equal(expected, groupLine);
        Assert.DoesNotContain(RuleLoader.AllowFile, advice, StringComparison.Ordinal);

        // Loaded as suggested, each one way: the message no longer fires the rule.
        Assert.DoesNotContain(Detect(WithUnless(rules, ruleId, unless), message), h => h.Rule.Id == ruleId);
        Assert.DoesNotContain(Detect(Reload(Group, groupLine), message), h => h.Rule.Id == ruleId);
    }

    [Theory]
    [InlineData("我妈收到短信说兼职刷单日结300加我微信，这种要注意", "fraud.brushing", "刷单日结3", "兼职刷单日结300")]  // the match stops inside 300
    [InlineData("学校在制作毕业证，照片有问题的联系老师微信", "fraud.documents", "制作毕业证，照片有问题的联系老师微信", "学校在制作毕业证，照片有问题的联系老师微信")] // the school is what tells it from a forger
    [InlineData("订单号：19513967161", "ops.phone", "19513967161", "订单号：19513967161")]
    public void A_regex_rule_gets_an_allow_line_over_its_whole_match_never_an_unless(string message, string ruleId, string match, string expected)
    {
        var (_, incident, advice, suggestion) = Mark(message, ruleId);

        Assert.Equal(match, incident.MatchedTerm);
        Assert.Equal(expected, suggestion.Phrase);
        AssertWholeWordsAroundTheHit(message, incident, suggestion.Phrase!);
        Assert.DoesNotContain("unless: [", advice, StringComparison.Ordinal);
        Assert.Contains("regex rule", advice, StringComparison.Ordinal);
        var groupLine = LineUnder(advice, GroupAllowList.FileName(Group));
        Assert.Equal(expected, groupLine);
        Assert.Contains("or, for every group, to allow.txt", advice, StringComparison.Ordinal);

        Assert.DoesNotContain(Detect(Reload(Group, groupLine), message), h => h.Rule.Id == ruleId);
        Assert.DoesNotContain(Detect(Reload(null, groupLine), message), h => h.Rule.Id == ruleId);
    }

    [Theory]
    [InlineData("abuse.contempt")]   // 傻逼
    [InlineData("abuse.profanity")]  // 个傻逼
    public void An_insult_said_plainly_gets_nothing_to_allow_and_what_to_change_instead(string ruleId)
    {
        var (_, _, advice, suggestion) = Mark("你个傻逼", ruleId);

        Assert.Null(suggestion.Phrase);
        Assert.Contains("Nothing here is safe to allow", advice, StringComparison.Ordinal);
        Assert.Contains($"\"!{Group}\" in the groups: of", advice, StringComparison.Ordinal);
        Assert.Contains("mode: shadow", advice, StringComparison.Ordinal);
        Assert.DoesNotContain("unless:", advice, StringComparison.Ordinal);
        Assert.DoesNotContain("\n    ", advice, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_segmenter_a_suggestion_still_never_cuts_a_number_or_a_latin_word()
    {
        var text = "兼职刷单日结300加我vx abc123";
        var suggestion = AllowSuggestions.For(text, text.IndexOf('刷', StringComparison.Ordinal), 5, segmenter: null)!;
        var id = AllowSuggestions.For(text, text.IndexOf("bc1", StringComparison.Ordinal), 3, segmenter: null)!;

        Assert.Equal("兼职刷单日结300", suggestion.Phrase);
        Assert.Equal("abc123", id.Hit);
    }

    [Theory]
    [InlineData("加我微信 zhang6688")]
    [InlineData("加我微信 kefu_2024")]
    public void An_id_of_letters_and_digits_is_one_word_never_cut_where_its_digits_start(string message)
    {
        // 加我微信 is logged only (ads.contact); the id after it is the ordinary word that tells this message apart.
        var (rules, incident, advice, suggestion) = Mark(message, "ads.contact");

        Assert.Equal(message, suggestion.Phrase);
        AssertWholeWordsAroundTheHit(message, incident, suggestion.Phrase!);
        var unless = Assert.Single(Lines(advice, UnlessLine()));
        Assert.Equal(message, unless);
        Assert.DoesNotContain(Detect(WithUnless(rules, "ads.contact", unless), message), h => h.Rule.Id == "ads.contact");
        Assert.DoesNotContain(Detect(Reload(Group, LineUnder(advice, GroupAllowList.FileName(Group))), message), h => h.Rule.Id == "ads.contact");
    }

    [Theory]
    [InlineData("加我微信 6688zhang，谢谢", "加我微信 6688zhang")] // digits, then letters
    [InlineData("加我微信 kefu_2024", "加我微信 kefu_2024")]
    [InlineData("加我微信 abc-123 吧", "加我微信 abc-123")]
    public void Without_a_segmenter_an_id_is_one_word_too(string message, string expected) =>
        Assert.Equal(expected, AllowSuggestions.For(message, 0, 4, segmenter: null)!.Phrase);

    /// <summary>The message's hit of <paramref name="ruleId"/> stored as an incident of the group, and what marking it prints.</summary>
    private (RuleSet Rules, Incident Incident, string Advice, AllowSuggestion Suggestion) Mark(string message, string ruleId)
    {
        var rules = Reload(null, null);
        var hit = Assert.Single(Detect(rules, message), h => h.Rule.Id == ruleId);
        var incident = Incidents.Of(rule: ruleId, pack: hit.Rule.PackId, matchedTerm: hit.Matched, text: message, group: Group) with { Spans = [new EvidenceSpan(hit.Start, hit.Length)] };
        var rule = rules.Rules.Single(r => r.Id == ruleId);
        var suggestion = IncidentsCommand.Suggestion(incident, rules, rule, _segmenter)!;
        return (rules, incident, IncidentsCommand.Advice(incident, suggestion, rule), suggestion);
    }

    /// <summary>The shipped packs and the operator's, with an allow line in the group's list (or allow.txt for a null group).</summary>
    private RuleSet Reload(string? group, string? allowLine)
    {
        var folder = Path.Combine(_folder.Path, Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Root, "rules")))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        File.WriteAllText(Path.Combine(folder, "ops.yaml"), OperatorPack);
        if (allowLine is not null)
        {
            var file = Path.Combine(folder, group is null ? RuleLoader.AllowFile : GroupAllowList.FileName(group));
            File.AppendAllText(file, "\n" + allowLine + "\n");
        }

        var loaded = RuleLoader.Load(folder);
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Errors));
        return loaded.RuleSet!;
    }

    /// <summary>The rule set with <paramref name="phrase"/> added to the rule's <c>unless</c>, as the suggestion says.</summary>
    private static RuleSet WithUnless(RuleSet rules, string ruleId, string phrase)
    {
        var packs = rules.Packs.Select(p => p with
        {
            Rules = [.. p.Rules.Select(r => r.Id == ruleId ? r with { Unless = [.. r.Unless, new RuleTerm(phrase, r.SourcePath, r.Line)] } : r)],
        }).ToArray();
        return new RuleSet(rules.Version + "+unless", rules.Directory, packs, rules.Allow, rules.Variants, rules.GroupAllow);
    }

    private IReadOnlyList<RuleHit> Detect(RuleSet rules, string message)
    {
        _segmenter.UseTerms(rules.Version, rules.WordTerms);
        return MessageDetector.Detect(rules, message, Group, _segmenter).Hits;
    }

    /// <summary>The phrase is whole words of the message (Jieba's, with no run of digits or letters cut) and covers the hit, and is more than the hit's own words.</summary>
    private void AssertWholeWordsAroundTheHit(string message, Incident incident, string phrase)
    {
        var span = incident.Spans[0];
        var at = message.IndexOf(phrase, StringComparison.Ordinal);
        Assert.True(at >= 0 && at <= span.Start && at + phrase.Length >= span.Start + span.Length, $"'{phrase}' does not cover the hit");
        var words = _segmenter.Boundaries(message);
        Assert.Contains(at, words);
        Assert.Contains(at + phrase.Length, words);
        foreach (var edge in new[] { at, at + phrase.Length })
        {
            Assert.False(edge > 0 && edge < message.Length && IsAsciiWordCharacter(message[edge - 1]) && IsAsciiWordCharacter(message[edge]), $"'{phrase}' cuts a number or a Latin word");
        }

        Assert.NotEqual(incident.MatchedTerm, phrase);
        Assert.NotEqual(message.Substring(span.Start, span.Length), phrase);
    }

    private static bool IsAsciiWordCharacter(char c) => char.IsAsciiLetterOrDigit(c) || char.IsDigit(c);

    private static List<string> Lines(string advice, Regex pattern) =>
        [.. advice.Split('\n').Select(l => pattern.Match(l.TrimEnd('\r'))).Where(m => m.Success).Select(m => m.Groups[1].Value)];

    [GeneratedRegex(@"^    unless: \[(.+)\]$")]
    private static partial Regex UnlessLine();

    /// <summary>The indented line right under the one that names <paramref name="file"/>: the line to add to it.</summary>
    private static string LineUnder(string advice, string file)
    {
        var lines = advice.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        var at = Array.FindIndex(lines, l => l.Contains(file, StringComparison.Ordinal));
        Assert.True(at >= 0 && at + 1 < lines.Length && lines[at + 1].StartsWith("    ", StringComparison.Ordinal), advice);
        return lines[at + 1].Trim();
    }
}
