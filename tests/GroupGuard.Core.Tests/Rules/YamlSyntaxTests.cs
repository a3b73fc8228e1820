using GroupGuard.Core.Rules;

namespace GroupGuard.Core.Tests.Rules;

/// <summary>
/// The mistakes an administrator who is no programmer makes in a pack, each reported on the line to
/// mend with what to write there. Before, each was the parser's own words (<c>While parsing a block
/// mapping, did not find expected key.</c>), a tab's a line too early.
/// </summary>
public sealed class YamlSyntaxTests
{
    private const string Pack = """
        pack: mine
        name: 我的规则
        severity: medium
        action: recall
        rules:
          - id: mine.contact
            description: 私聊引流
            terms: [私聊领取, 私信领取]
          - id: mine.giveaway
            terms: [免费领取红包]
            severity: low
        """;

    private static RuleError OnlyError(string pack)
    {
        using var dir = new TempFolder();
        dir.Write("mine.yaml", pack);
        var result = RuleLoader.Load(dir.Path);
        Assert.False(result.Succeeded);
        return Assert.Single(result.Errors);
    }

    private static string Edit(string from, string to)
    {
        Assert.Contains(from, Pack, StringComparison.Ordinal);
        return Pack.Replace(from, to, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("action: recall", "action： recall", 4, "'action' is followed by a full-width colon '：'; write 'action: recall', with the colon ':' of English punctuation and a space after it")]
    [InlineData("    severity: low", "    severity：low", 11, "'severity' is followed by a full-width colon '：'; write 'severity: low'")]
    [InlineData("  - id: mine.giveaway", "  - id：mine.giveaway", 9, "'id' is followed by a full-width colon '：'; write 'id: mine.giveaway'")]
    [InlineData("action: recall", "action:recall", 4, "no space after the colon of 'action'; write 'action: recall', with a space after the colon")]
    [InlineData("    terms: [私聊领取, 私信领取]", "\tterms: [私聊领取, 私信领取]", 8, "this line is indented with a tab; indent with spaces only")]
    [InlineData("  - id: mine.giveaway", "\t- id: mine.giveaway", 9, "this line is indented with a tab; indent with spaces only")]
    public void A_typing_mistake_is_reported_on_its_own_line_with_what_to_write(string from, string to, int line, string expected)
    {
        var error = OnlyError(Edit(from, to));

        Assert.Equal(line, error.Line);
        Assert.StartsWith("YAML syntax: " + expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("parser said", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("    terms: [私聊领取, 私信领取]", "  terms: [私聊领取, 私信领取]", 8, "this line is indented 2 spaces, the line before it (line 7) 4 spaces; the keys of the pack start at the left edge, and the keys of one rule line up under its 'id' (4 spaces in)")]
    [InlineData("    terms: [私聊领取, 私信领取]", "     terms: [私聊领取, 私信领取]", 8, "this line is indented 5 spaces, the line before it (line 7) 4 spaces")]
    [InlineData("action: recall", "  action: recall", 4, "this line is indented 2 spaces, the line before it (line 3) 0 spaces")]
    [InlineData("  - id: mine.giveaway", "    - id: mine.giveaway", 9, "this rule's '- ' is 4 spaces in, the one of the rule before it (line 6) 2 spaces; start every rule in the same column (2 spaces in, under 'rules:')")]
    [InlineData("    description: 私聊引流", "    description: 注意: 私聊引流", 7, "the value on this line holds a colon and a space (': ') itself; put the whole value in single quotes")]
    [InlineData("    terms: [免费领取红包]", "    regex: \"免费领取\\d+\"", 10, "a backslash (\\) in double quotes starts an escape; put a regex in single quotes instead (regex: '加微信\\d+'")]
    public void A_line_out_of_place_is_reported_saying_what_is_wrong_with_it_and_the_parser_s_words_after(string from, string to, int line, string expected)
    {
        var error = OnlyError(Edit(from, to));

        Assert.Equal(line, error.Line);
        Assert.StartsWith("YAML syntax: " + expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("(the YAML parser said: ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n   \n")]
    [InlineData("# 以后再写\n")]
    public void An_empty_pack_file_says_it_is_empty_and_what_to_do(string text)
    {
        var error = OnlyError(text);

        Assert.Equal(1, error.Line);
        Assert.Equal("the file is empty (or holds only comments): write a pack in it (pack: <id>, then rules:), or delete it; to set a pack aside, rename it to end in .off", error.Message);
    }
}
