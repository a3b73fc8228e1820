using GroupGuard.Core.Detection;
using GroupGuard.Core.Rules;

namespace GroupGuard.Core.Tests.Rules;

/// <summary>
/// Terms run together by punctuation a Chinese input method types (a full-width comma, 、), by a
/// list written without brackets, or by a terms file's line of several, and a regex in Chinese
/// quotes: each loaded without a word as one term (or pattern) that never fires where the terms
/// meant do. Now a warning on its line saying what to write; likewise an unless phrase or an allow
/// list's line of several phrases, which cancels a hit only where they all stand together.
/// </summary>
public sealed class RunTogetherTermsTests
{
    private static RuleLoadResult Load(string terms, string? termsFile = null)
    {
        using var dir = new TempFolder();
        dir.Write("x.yaml", $"pack: x\naction: recall\nrules:\n  - id: x.a\n{terms}");
        if (termsFile is not null)
        {
            dir.Write("x.txt", termsFile);
        }

        var result = RuleLoader.Load(dir.Path);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result;
    }

    [Theory]
    [InlineData("    terms: [私聊领取，私信领取, 加好友]\n", "rule 'x.a': term '私聊领取，私信领取' holds '，', so it is one term, which fires only on 私聊领取私信领取 written together; to give several terms, separate them with the comma of English punctuation: terms: [私聊领取, 私信领取]")]
    [InlineData("    terms: [私聊领取、私信领取]\n", "rule 'x.a': term '私聊领取、私信领取' holds '、', so it is one term, which fires only on 私聊领取私信领取 written together; to give several terms, separate them with the comma of English punctuation: terms: [私聊领取, 私信领取]")]
    [InlineData("    terms: 私聊领取, 私信领取\n", "rule 'x.a': term '私聊领取, 私信领取' holds ',', so it is one term, which fires only on 私聊领取私信领取 written together; to give several terms, separate them with the comma of English punctuation: terms: [私聊领取, 私信领取]")]
    [InlineData("    terms: 【私聊领取, 私信领取】\n", "rule 'x.a': term '【私聊领取, 私信领取】' holds ',', so it is one term, which fires only on 私聊领取私信领取 written together; to give several terms, separate them with the comma of English punctuation: terms: [私聊领取, 私信领取]")]
    public void Terms_run_together_in_the_pack_are_a_warning_on_their_line_giving_the_list_to_write(string terms, string expected)
    {
        var result = Load(terms);

        var warning = Assert.Single(result.Warnings);
        Assert.Equal(5, warning.Line);
        Assert.Equal(expected, warning.Message);
    }

    /// <summary>
    /// A list typed as a line of words parted by spaces, as words are listed in Chinese (terms: 卖号
    /// 收号 代练): one term, whose spaces the fold skips, so it fired only on 卖号收号代练, without a word.
    /// </summary>
    [Theory]
    [InlineData("    terms: 卖号 收号 代练\n", 5, "rule 'x.a': 'terms' is written as one piece of text, '卖号 收号 代练', so it is one term, which fires only on 卖号收号代练 written together (spaces between words are skipped); to give several, write them as a list, in brackets with the comma of English punctuation: terms: [卖号, 收号, 代练]")]
    [InlineData("    terms: 卖号　收号\n", 5, "rule 'x.a': 'terms' is written as one piece of text, '卖号　收号', so it is one term, which fires only on 卖号收号 written together (spaces between words are skipped); to give several, write them as a list, in brackets with the comma of English punctuation: terms: [卖号, 收号]")]
    [InlineData("    terms: [卖号]\n    unless: 官方卖号 卖号须知\n", 6, "rule 'x.a': 'unless' is written as one piece of text, '官方卖号 卖号须知', so it is one phrase, which cancels a hit only where 官方卖号 and 卖号须知 stand one right after the other (spaces between words are skipped); to give several, write them as a list, in brackets with the comma of English punctuation: unless: [官方卖号, 卖号须知]")]
    public void A_list_typed_as_words_parted_by_spaces_is_a_warning_on_its_line_giving_the_list_to_write(string yaml, int line, string expected)
    {
        var warning = Assert.Single(Load(yaml).Warnings);

        Assert.Equal(line, warning.Line);
        Assert.Equal(expected, warning.Message);
    }

    [Theory]
    [InlineData("    terms: 卖号\n")]
    [InlineData("    terms: free money\n")]
    [InlineData("    terms: [卖号 收号, 代练]\n")]
    public void One_word_a_latin_phrase_or_a_spaced_item_of_a_bracketed_list_is_no_list_typed_as_words(string yaml)
    {
        Assert.Empty(Load(yaml).Warnings);
    }

    [Fact]
    public void Terms_run_together_on_a_terms_file_s_line_are_a_warning_on_that_line_asking_for_one_a_line()
    {
        var result = Load("    terms_file: x.txt\n", "# 引流\n加好友\n私聊领取、私信领取\n");

        var warning = Assert.Single(result.Warnings);
        Assert.Equal("x.txt", Path.GetFileName(warning.Path));
        Assert.Equal(3, warning.Line);
        Assert.Equal("rule 'x.a': term '私聊领取、私信领取' holds '、', so it is one term, which fires only on 私聊领取私信领取 written together; a terms file takes one term a line: put 私聊领取 and 私信领取 on lines of their own", warning.Message);
    }

    [Fact]
    public void A_regex_in_chinese_quotes_is_a_warning_giving_it_in_plain_quotes()
    {
        var result = Load("    regex: ‘加微信[0-9]+’\n");

        var warning = Assert.Single(result.Warnings);
        Assert.Equal(5, warning.Line);
        Assert.Equal("rule 'x.a': the regex begins with ‘ and ends with ’, which are part of it, so it fires only on text between those quotes; quote it with the ' of English punctuation: regex: '加微信[0-9]+'", warning.Message);
    }

    [Fact]
    public void Terms_written_as_a_list_load_with_no_warning()
    {
        var result = Load("    terms: [私聊领取, 私信领取, 加 微信]\n    unless: [私聊领取红包, 私信领取红包]\n");

        Assert.Empty(result.Warnings);
        Assert.Equal(["私聊领取", "私信领取", "加 微信"], result.RuleSet!.Rules.Single().Terms.Select(t => t.Text));
    }

    [Theory]
    [InlineData("    unless: [红包群，福利群, 抢红包]\n", "rule 'x.a': unless phrase '红包群，福利群' holds '，', so it is one phrase, which cancels a hit only where 红包群 and 福利群 stand one right after the other; to give several phrases, separate them with the comma of English punctuation: unless: [红包群, 福利群]")]
    [InlineData("    unless: [红包群、福利群]\n", "rule 'x.a': unless phrase '红包群、福利群' holds '、', so it is one phrase, which cancels a hit only where 红包群 and 福利群 stand one right after the other; to give several phrases, separate them with the comma of English punctuation: unless: [红包群, 福利群]")]
    [InlineData("    unless: 红包群, 福利群\n", "rule 'x.a': unless phrase '红包群, 福利群' holds ',', so it is one phrase, which cancels a hit only where 红包群 and 福利群 stand one right after the other; to give several phrases, separate them with the comma of English punctuation: unless: [红包群, 福利群]")]
    [InlineData("    unless: [红包群；福利群]\n", "rule 'x.a': unless phrase '红包群；福利群' holds '；', so it is one phrase, which cancels a hit only where 红包群 and 福利群 stand one right after the other; to give several phrases, separate them with the comma of English punctuation: unless: [红包群, 福利群]")]
    public void Unless_phrases_run_together_are_a_warning_on_their_line_giving_the_list_to_write(string unless, string expected)
    {
        var result = Load("    terms: [红包]\n" + unless);

        var warning = Assert.Single(result.Warnings);
        Assert.Equal(6, warning.Line);
        Assert.Equal(expected, warning.Message);
        Assert.Contains(result.RuleSet!.Rules.Single().Unless, p => p.Text == expected.Split('\'')[3]); // loaded as written all the same
    }

    /// <summary>
    /// A comma left at the end of a term runs nothing together, nor does a comma grouping a number's
    /// digits: both warned, the first suggesting a list of one (terms: [加微信]).
    /// </summary>
    [Theory]
    [InlineData("    terms: [加微信，, 私聊领取]\n")]
    [InlineData("    terms: ['，加微信', 私聊领取；]\n")]
    [InlineData("    terms: ['转账1,000元', '返现 1,000,000']\n")]
    [InlineData("    terms: ['转账1，000元', '返现 1，000，000', 日赚5，000]\n")]
    public void A_term_with_a_comma_at_an_end_or_between_digits_loads_with_no_warning(string terms)
    {
        Assert.Empty(Load(terms).Warnings);
    }

    /// <summary>
    /// A full-width comma is a thousands comma only with exactly three digits after it: between
    /// numbers of a list (18，19) or before a fourth digit it parts items, and is warned of.
    /// </summary>
    [Theory]
    [InlineData("18，19岁", "terms: [18, 19岁]")]
    [InlineData("转账1，0000元", "terms: [转账1, 0000元]")]
    [InlineData("红包10，20，50", "terms: [红包10, 20, 50]")]
    public void A_full_width_comma_between_numbers_that_is_no_thousands_comma_is_warned_of(string term, string list)
    {
        var warning = Assert.Single(Load($"    terms: ['{term}']\n").Warnings);

        Assert.StartsWith($"rule 'x.a': term '{term}' holds '，'", warning.Message);
        Assert.EndsWith(list, warning.Message);
    }

    [Fact]
    public void A_terms_file_s_line_with_a_number_s_comma_loads_with_no_warning()
    {
        var result = Load("    terms_file: x.txt\n", "转账1,000元\n加微信，\n");

        Assert.Empty(result.Warnings);
        Assert.Equal(["转账1,000元", "加微信，"], result.RuleSet!.Rules.Single().Terms.Select(t => t.Text));
    }

    [Fact]
    public void Terms_run_together_beside_a_number_s_comma_are_warned_of_with_the_number_whole()
    {
        var warning = Assert.Single(Load("    terms: ['返利1,000元，私聊领取']\n").Warnings);

        Assert.Equal("rule 'x.a': term '返利1,000元，私聊领取' holds '，', so it is one term, which fires only on 返利1,000元私聊领取 written together; to give several terms, separate them with the comma of English punctuation: terms: [返利1,000元, 私聊领取]", warning.Message);
    }

    /// <summary>
    /// unless_preceded_by and unless_near phrases run together loaded without a word while unless
    /// phrases were warned of: each is now a warning on its line with the list to write, of the pack
    /// or of a rule, and in an unless_near_file one a line.
    /// </summary>
    [Theory]
    [InlineData("    unless_preceded_by: [不，没有, 别]\n", 6, "rule 'x.a': unless_preceded_by word '不，没有' holds '，', so it is one phrase, which cancels a hit only where 不 and 没有 stand one right after the other; to give several words, separate them with the comma of English punctuation: unless_preceded_by: [不, 没有]")]
    [InlineData("    unless_near: 网吧、网咖\n", 6, "rule 'x.a': unless_near phrase '网吧、网咖' holds '、', so it is one phrase, which cancels a hit only where 网吧 and 网咖 stand one right after the other; to give several phrases, separate them with the comma of English punctuation: unless_near: [网吧, 网咖]")]
    public void Unless_preceded_by_and_unless_near_phrases_run_together_are_a_warning_on_their_line(string key, int line, string expected)
    {
        var result = Load("    terms: [红包]\n" + key);

        var warning = Assert.Single(result.Warnings);
        Assert.Equal(line, warning.Line);
        Assert.Equal(expected, warning.Message);
    }

    [Fact]
    public void A_pack_s_unless_phrases_run_together_and_an_unless_near_file_s_line_of_several_are_warned_of_too()
    {
        using var dir = new TempFolder();
        dir.Write("x.yaml", "pack: x\naction: recall\nunless_preceded_by: [警惕；谨防]\nunless_near: [请举报, 家长们，各位家长]\nunless_near_file: notice.txt\nrules:\n  - id: x.a\n    terms: [红包]\n");
        dir.Write("notice.txt", "# 通知\n派出所通知\n民警提醒，社区民警\n");

        var result = RuleLoader.Load(dir.Path);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Collection(
            result.Warnings.OrderBy(w => w.Path, StringComparer.Ordinal).ThenBy(w => w.Line),
            w => Assert.Equal(("notice.txt", 3, "pack 'x': unless_near phrase '民警提醒，社区民警' holds '，', so it is one phrase, which cancels a hit only where 民警提醒 and 社区民警 stand one right after the other; a phrases file takes one phrase a line: put 民警提醒 and 社区民警 on lines of their own"), (Path.GetFileName(w.Path), w.Line, w.Message)),
            w => Assert.Equal(("x.yaml", 3, "pack 'x': unless_preceded_by word '警惕；谨防' holds '；', so it is one phrase, which cancels a hit only where 警惕 and 谨防 stand one right after the other; to give several words, separate them with the comma of English punctuation: unless_preceded_by: [警惕, 谨防]"), (Path.GetFileName(w.Path), w.Line, w.Message)),
            w => Assert.Equal(("x.yaml", 4, "pack 'x': unless_near phrase '家长们，各位家长' holds '，', so it is one phrase, which cancels a hit only where 家长们 and 各位家长 stand one right after the other; to give several phrases, separate them with the comma of English punctuation: unless_near: [家长们, 各位家长]"), (Path.GetFileName(w.Path), w.Line, w.Message)));
    }

    [Fact]
    public void An_allow_list_s_line_of_several_phrases_is_a_warning_on_that_line_asking_for_one_a_line()
    {
        using var dir = new TempFolder();
        dir.Write("x.yaml", "pack: x\naction: recall\nrules:\n  - id: x.a\n    terms: [加微信]\n");
        dir.Write("allow.txt", "# 全体群\n严禁加微信；谨防加微信\n");
        dir.Write("allow-123456.txt", "# 本群\n加微信群，扫码进群\n加微信缴费， # 一个逗号留在末尾: 没有连在一起的词语\n");

        var result = RuleLoader.Load(dir.Path);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Collection(
            result.Warnings.OrderBy(w => w.Path, StringComparer.Ordinal),
            w => Assert.Equal(("allow-123456.txt", 2, "allow phrase '加微信群，扫码进群' holds '，', so it is one phrase, which cancels a hit only where 加微信群 and 扫码进群 stand one right after the other; an allow list takes one phrase a line: put 加微信群 and 扫码进群 on lines of their own"), (Path.GetFileName(w.Path), w.Line, w.Message)),
            w => Assert.Equal(("allow.txt", 2, "allow phrase '严禁加微信；谨防加微信' holds '；', so it is one phrase, which cancels a hit only where 严禁加微信 and 谨防加微信 stand one right after the other; an allow list takes one phrase a line: put 严禁加微信 and 谨防加微信 on lines of their own"), (Path.GetFileName(w.Path), w.Line, w.Message)));

        // What the warning says: the line cancels only its phrases together, neither alone.
        var set = result.RuleSet!;
        Assert.Single(MessageDetector.Detect(set, "家长们加微信群交作业", "123456").Hits);
        Assert.Empty(MessageDetector.Detect(set, "加微信群，扫码进群", "123456").Hits);
        Assert.Empty(MessageDetector.Detect(set, "加微信缴费", "123456").Hits);
    }

    /// <summary>
    /// A number with a thousands comma in a bracketed list (<c>terms: [转账1,000元]</c>) is split by YAML
    /// itself into <c>转账1</c> and <c>000元</c>, two terms that fire on the wrong text: a warning on its line
    /// saying to quote it; quoted, or in a list with a space after the comma, it loads without one.
    /// </summary>
    [Theory]
    [InlineData("    terms: [转账1,000元, 加微信]\n", "rule 'x.a': 'terms' holds 转账1,000元, which YAML reads as two items, '转账1' and '000元', at the comma of the number; quote the item to keep the number whole: '转账1,000元', or write the number without its comma")]
    [InlineData("    terms: [红包]\n    unless: [红包1,000个]\n", "rule 'x.a': 'unless' holds 红包1,000个, which YAML reads as two items, '红包1' and '000个', at the comma of the number; quote the item to keep the number whole: '红包1,000个', or write the number without its comma")]
    public void A_number_s_comma_in_a_bracketed_list_is_a_warning_to_quote_it(string yaml, string expected)
    {
        var warning = Assert.Single(Load(yaml).Warnings);

        Assert.Equal(expected, warning.Message);
    }

    [Theory]
    [InlineData("    terms: ['转账1,000元', 加微信]\n")]
    [InlineData("    terms: [转账1, 000元]\n")]
    [InlineData("    terms: [第1,第2]\n")]
    [InlineData("    terms: [转账1000元]\n")]
    public void A_quoted_number_or_items_that_are_no_number_s_halves_load_without_that_warning(string yaml)
    {
        Assert.DoesNotContain(Load(yaml).Warnings, w => w.Message.Contains("comma of the number", StringComparison.Ordinal));
    }
}
