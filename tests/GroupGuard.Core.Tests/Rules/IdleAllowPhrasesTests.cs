using GroupGuard.Core.Detection;
using GroupGuard.Core.Rules;

namespace GroupGuard.Core.Tests.Rules;

/// <summary>
/// Phrases that load and never do what their author meant, without a word: a rule's unless
/// phrases written for the hit's sentence (官方交易行 beside 卖号), which cancel only a hit inside
/// them and so cancel nothing; and an unless phrase or a line of allow.txt that is a term itself,
/// which cancels every hit of the term, so the rule never fires on it. Each is now a warning on the
/// phrase's line saying what to write.
/// </summary>
public sealed class IdleAllowPhrasesTests
{
    private static RuleLoadResult Load(string rule, string? allow = null)
    {
        using var dir = new TempFolder();
        dir.Write("game.yaml", $"pack: game\naction: recall\nrules:\n  - id: game.trade\n{rule}");
        if (allow is not null)
        {
            dir.Write("allow.txt", allow);
        }

        var result = RuleLoader.Load(dir.Path);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result;
    }

    private static bool Flags(RuleLoadResult result, string text) =>
        MessageDetector.Detect(result.RuleSet!, text, groupId: null).Hits.Count > 0;

    [Fact]
    public void Unless_phrases_that_hold_none_of_the_rule_s_terms_are_a_warning_pointing_to_unless_near()
    {
        var result = Load("    terms: [卖号, 收号]\n    unless: [官方交易行, 交易频道]\n");

        var warning = Assert.Single(result.Warnings);
        Assert.Equal(6, warning.Line);
        Assert.Equal("rule 'game.trade': its unless phrases (官方交易行, 交易频道) hold none of its terms, so they cancel nothing: an unless phrase cancels only a hit inside it (微信支付 cancels 微信); to cancel a hit when a phrase stands anywhere in its sentence, put it in unless_near: [官方交易行, 交易频道]", warning.Message);
        Assert.True(Flags(result, "卖号请去官方交易行"));
    }

    [Fact]
    public void Unless_phrases_of_which_one_holds_a_term_are_no_warning()
    {
        // A list shared through an alias holds phrases for the other rules' terms too.
        var result = Load("    terms: [卖号]\n    unless: [官方卖号, 交易频道]\n");

        Assert.Empty(result.Warnings);
        Assert.False(Flags(result, "这是官方卖号渠道"));
    }

    [Fact]
    public void An_unless_phrase_that_is_a_term_itself_is_a_warning_that_the_term_never_fires()
    {
        var result = Load("    terms: [卖号, 收号]\n    unless:\n      - 卖号须知\n      - 收號\n");

        var warning = Assert.Single(result.Warnings);
        Assert.Equal(8, warning.Line);
        Assert.Equal("rule 'game.trade': unless phrase '收號' is the rule's term '收号' itself, so it covers every hit of that term, which never fires; an unless phrase is a longer saying that holds a term (微信支付 for 微信): write the saying, or take the term out of the rule", warning.Message);
    }

    [Fact]
    public void A_line_of_allow_txt_that_is_a_term_itself_is_a_warning_on_that_line_naming_the_rule()
    {
        var result = Load("    terms: [卖号, 代练]\n", "# 放行\n微信支付\n代 练\n");

        var warning = Assert.Single(result.Warnings);
        Assert.Equal("allow.txt", Path.GetFileName(warning.Path));
        Assert.Equal(3, warning.Line);
        Assert.StartsWith("allow phrase '代 练' is the term '代练' of rule 'game.trade' (", warning.Message, StringComparison.Ordinal);
        Assert.EndsWith("game.yaml:5) itself, so it covers every hit of that term, in every group, and the term never fires; an allow phrase is a longer saying that holds a term (微信支付 for 微信): write the saying, or take the term out of the rule (to let one group use the word, put it in that group's allow-<group id>.txt)", warning.Message, StringComparison.Ordinal);
        Assert.False(Flags(result, "代练上王者"));
    }

    [Fact]
    public void A_group_s_allow_list_may_hold_a_term_with_no_warning()
    {
        using var dir = new TempFolder();
        dir.Write("game.yaml", "pack: game\nrules:\n  - id: game.trade\n    terms: [代练]\n");
        dir.Write("allow-123456.txt", "代练\n");

        var result = RuleLoader.Load(dir.Path);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Empty(result.Warnings);
    }
}
