using GroupGuard.Core.Detection;
using GroupGuard.Core.Rules;
using GroupGuard.Core.Text;

namespace GroupGuard.Core.Tests.Rules;

/// <summary>
/// Regexes read the folded message, so a character the fold rewrites can never match as written;
/// loading warns (path, line, rule, the character and what to write) and still loads.
/// </summary>
public sealed class RegexFoldCheckTests
{
    private static RuleLoadResult Load(string regex, string variants = "微 薇 威\n")
    {
        using var dir = new TempFolder();
        dir.Write("variants.txt", variants);
        dir.Write("ads.yaml", $"""
            pack: ads
            rules:
              - id: ads.first
                terms: [加微信]

              - id: ads.contact
                regex: '{regex}'
            """);
        return RuleLoader.Load(dir.Path);
    }

    [Fact]
    public void A_regex_that_spells_a_variant_warns_with_file_line_rule_and_what_to_write()
    {
        var result = Load("加薇信\\d+");

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        var warning = Assert.Single(result.Warnings);
        Assert.EndsWith("ads.yaml", warning.Path, StringComparison.Ordinal);
        Assert.Equal(7, warning.Line);
        Assert.Contains("'ads.contact'", warning.Message, StringComparison.Ordinal);
        Assert.Contains("'薇'", warning.Message, StringComparison.Ordinal);
        Assert.Contains("write '微' instead", warning.Message, StringComparison.Ordinal);
        Assert.Contains("variants.txt", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_advice_is_right_the_regex_as_written_misses_and_as_advised_fires()
    {
        const string message = "加薇信123456拿资料";

        var asWritten = Load("加薇信\\d+");
        var asAdvised = Load("加微信\\d+");

        Assert.DoesNotContain(MessageDetector.Detect(asWritten.RuleSet!, message, "1").Hits, h => h.Rule.Id == "ads.contact");
        Assert.Contains(MessageDetector.Detect(asAdvised.RuleSet!, message, "1").Hits, h => h.Rule.Id == "ads.contact");
        Assert.Empty(asAdvised.Warnings);
    }

    [Theory]
    [InlineData("(?:微信|薇信|威信)\\d+")] // the dead alternatives repeat one that lives
    [InlineData("(微|薇)信")]
    [InlineData("[微薇]信")] // the class holds the folded form too
    [InlineData("[^薇]信")] // a character a negated class excludes costs nothing
    [InlineData("[\\w薇]信")] // a class escape: not read
    [InlineData("(?<Name>微信)\\.\\d{2,4}")] // a group's name, escapes and quantifiers are not text
    [InlineData("(?#薇)微信")] // a comment
    [InlineData("(?x) 薇 信")] // free spacing: not read
    public void Nothing_is_reported_where_nothing_is_lost(string regex)
    {
        var result = Load(regex);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Empty(result.Warnings);
    }

    [Theory]
    [InlineData("[薇]信", "薇", "微")]
    [InlineData("(?:薇|v)信", "薇", "微")] // no alternative writes 微
    [InlineData("加\\u8587信", "薇", "微")] // an escape that stands for the character
    [InlineData("ＱＱ\\d+", "Ｑ", "q")] // full width
    [InlineData("QQ\\d+", "Q", "q")] // upper case, without the i option
    [InlineData("約炮", "約", "约")] // a traditional form
    public void Each_dead_character_is_reported_once_with_its_folded_form(string regex, string written, string folded)
    {
        var result = Load(regex, variants: "微 薇\n");

        var warning = Assert.Single(result.Warnings);
        Assert.Contains($"'{written}'", warning.Message, StringComparison.Ordinal);
        Assert.Contains($"write '{folded}' instead", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void With_the_i_option_a_change_of_case_is_not_reported_but_a_change_of_width_is()
    {
        var result = Load("(?i)QQ|ＱＱ");

        var warning = Assert.Single(result.Warnings);
        Assert.Contains("'Ｑ'", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_regex_of_many_alternatives_is_read_to_its_end_and_warns_once_per_character()
    {
        // 2,000 alternatives (about as many as a regex may have and still run in linear time),
        // half with a dead 薇 each repeated by a living 微: every alternative is read, the last
        // one's dead Ｑ too, and the 薇 are not reported.
        var alternatives = Enumerable.Range(0, 1_000).Select(n => $"薇{n}|微{n}");
        var result = Load(string.Join('|', alternatives) + "|ＱＱ");

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        var warning = Assert.Single(result.Warnings);
        Assert.Contains("'Ｑ'", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Any_pattern_that_compiles_is_read_to_its_end_without_failing()
    {
        // Pieces of regex syntax, joined at random: classes, escapes, groups of every kind, options,
        // quantifiers, unbalanced bits. Those .NET compiles are read; none may throw.
        string[] pieces =
        [
            "薇", "微", "Ａ", "a", "Q", "約", "\\u8587", "\\x41", "\\d", "\\p{L}", "\\P{IsCJKUnifiedIdeographs}", "\\.", "\\\\", "\\]", "\\k<n>",
            "[", "]", "[^", "[a-z", "-", "-[", "[]", "(", ")", "(?:", "(?i)", "(?i:", "(?-i)", "(?x)", "(?#c)", "(?<n>", "(?'n'", "(?<=", "(?(",
            "|", "*", "+", "?", "{2}", "{2,}", "{1,3}", "{", "}", ".", "^", "$", " ", "\\", "\\c", "\\1",
        ];
        var folder = TextFolder.WithVariants(new Dictionary<char, char> { ['薇'] = '微' });
        var random = new Random(20261204);
        var read = 0;
        for (var n = 0; n < 20_000; n++)
        {
            var pattern = string.Concat(Enumerable.Range(0, random.Next(1, 12)).Select(_ => pieces[random.Next(pieces.Length)]));
            try
            {
                _ = new System.Text.RegularExpressions.Regex(pattern);
            }
            catch (ArgumentException)
            {
                continue;
            }

            var dead = RegexFoldCheck.DeadCharacters(pattern, folder);
            Assert.All(dead, d => Assert.NotEqual(d.Written.ToString(), d.Folded));
            read++;
        }

        Assert.True(read > 1_000, $"only {read} patterns compiled");
    }
}
