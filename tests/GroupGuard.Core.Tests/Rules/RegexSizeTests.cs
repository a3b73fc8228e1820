using GroupGuard.Core.Rules;

namespace GroupGuard.Core.Tests.Rules;

/// <summary>
/// A regex that would take minutes and gigabytes to build (a word list pasted in as one
/// alternation) is refused on its line before it is built; every shipped one stays well inside.
/// </summary>
public sealed class RegexSizeTests
{
    [Theory]
    [InlineData("(加|微信)", 3)]
    [InlineData("加\\s*(?:微信|vx)[a-z0-9]{6,20}", 7)] // 加 微 信 v x, \s and one class
    [InlineData("[一-龥]{0,5}\\d\\d+", 2)]
    [InlineData("(?<name>ab)(?#a comment with words)a|b", 2)]
    [InlineData("(?i:qq)\\u5fae\\x41\\.", 4)] // q, 微, A, .
    [InlineData("[^\\n]{0,30}?[^\\n]|.", 2)]
    [InlineData("\\p{IsCJKUnifiedIdeographs}+\\p{P}\\P{L}\\b", 3)]
    [InlineData("a{2}b{1,}c{1,3}", 3)]
    [InlineData("c{,3}{x}", 6)] // .NET reads these braces as text: c { , 3 } x
    [InlineData("(一|二|三)", 1)] // single characters: the engine reads them as one class
    [InlineData("(?:一|二|\\u4e09)一", 2)] // that class, and 一 again outside it
    [InlineData("一|二", 1)]
    [InlineData("(a|b)(c|d)(a|b)", 2)]
    [InlineData("(一|二三)", 3)]
    [InlineData("(一+|二)", 2)]
    [InlineData("(一|[二三])", 2)]
    public void Counts_the_different_characters_and_classes_a_pattern_names(string pattern, int expected)
    {
        Assert.Equal(expected, RegexSize.Symbols(pattern));
    }

    [Fact]
    public void Every_shipped_regex_is_inside_the_bound()
    {
        var rules = RuleLoader.Load(RuleLoaderTests.FindRepoFolder("rules")).RuleSet!;
        var counts = rules.Rules.Where(r => r.Regex is not null).Select(r => RegexSize.Symbols(r.Regex!.ToString())).ToList();

        Assert.NotEmpty(counts);
        Assert.All(counts, n => Assert.InRange(n, 1, RegexSize.MaxSymbols * 3 / 4));
    }

    [Fact]
    public void A_word_list_pasted_into_a_regex_is_refused_on_its_line_and_the_rest_of_the_file_is_read()
    {
        // 500 words of two hanzi: building it would take seconds and most of a gigabyte; 2,000
        // would take a minute and 11 GB.
        var random = new Random(20261206);
        var words = Enumerable.Range(0, 500).Select(_ => $"{(char)random.Next(0x4E00, 0x9FA5)}{(char)random.Next(0x4E00, 0x9FA5)}");
        using var dir = new TempFolder();
        dir.Write("x.yaml", $"pack: x\nrules:\n  - id: x.ok\n    regex: '加(微信|vx)'\n  - id: x.list\n    regex: '({string.Join('|', words)})'\n  - id: x.after\n    regex: 'a{{3}}'\n");

        var result = RuleLoader.Load(dir.Path);

        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Errors);
        Assert.Equal(6, error.Line);
        Assert.EndsWith("x.yaml", error.Path, StringComparison.Ordinal);
        Assert.Contains("rule 'x.list'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"the limit is {RegexSize.MaxSymbols}", error.Message, StringComparison.Ordinal);
        Assert.Contains("terms", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pattern_past_the_longest_is_refused_before_it_is_built_and_one_inside_it_loads()
    {
        // A million letters took 0.9 s and 270 MB to be refused by the engine itself; 1,800
        // alternatives of four digits (8,999 characters) build in milliseconds.
        using var dir = new TempFolder();
        var inside = string.Join('|', Enumerable.Range(1000, 1800));
        dir.Write("x.yaml", $"pack: x\nrules:\n  - id: x.inside\n    regex: '({inside})'\n  - id: x.long\n    regex: '{new string('a', RegexSize.MaxLength + 1)}'\n");

        var result = RuleLoader.Load(dir.Path);

        var error = Assert.Single(result.Errors);
        Assert.Equal(6, error.Line);
        Assert.Contains("rule 'x.long': regex is 10,001 characters long; the limit is 10,000", error.Message, StringComparison.Ordinal);
        Assert.True(inside.Length + 2 <= RegexSize.MaxLength);
    }

    [Fact]
    public void Many_alternatives_of_few_characters_are_not_refused()
    {
        // Size alone is not the cost: 2,000 alternatives over ten digits and two hanzi build quickly
        // (about as many alternatives as the engine's own limit on its automaton allows).
        using var dir = new TempFolder();
        var alternatives = string.Join('|', Enumerable.Range(0, 1_000).Select(n => $"微{n}|信{n}"));
        dir.Write("x.yaml", $"pack: x\nrules:\n  - id: x.many\n    regex: '({alternatives})'\n");

        var result = RuleLoader.Load(dir.Path);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
    }

    [Fact]
    public void Any_pattern_is_counted_without_failing()
    {
        string[] pieces =
        [
            "薇", "a", "\\u8587", "\\u12", "\\x4", "\\x41", "\\d", "\\p{L}", "\\p{", "\\P{IsCJKUnifiedIdeographs}", "\\.", "\\\\", "\\]", "\\k<n>", "\\k'n", "\\1", "\\",
            "[", "]", "[^", "[a-z", "-", "-[", "[]", "(", ")", "(?:", "(?i)", "(?i:", "(?-i)", "(?#c", "(?<n>", "(?'n'", "(?<=", "(?<", "(?",
            "|", "*", "+", "?", "{2}", "{2,}", "{1,3}", "{", "}", "{,", ".", "^", "$",
        ];
        var random = new Random(20261206);
        for (var n = 0; n < 20_000; n++)
        {
            var pattern = string.Concat(Enumerable.Range(0, random.Next(1, 12)).Select(_ => pieces[random.Next(pieces.Length)]));
            Assert.InRange(RegexSize.Symbols(pattern), 0, pattern.Length);
        }
    }
}
