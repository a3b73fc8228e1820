using GroupGuard.Core.Detection;

namespace GroupGuard.Core.Tests.Detection;

/// <summary>
/// The automaton every term, pinyin form, allow phrase and trigger literal is found with: a walk
/// over any text reports each occurrence of each pattern where it ends, and nothing else: over a
/// few letters (nearly every pair is in some pattern, so the walk searches edges and goes down
/// failure chains all the time), over many characters (a larger pair filter), and with digits read
/// as one mark.
/// </summary>
public sealed class AutomatonTests
{
    [Theory]
    [InlineData(40, "abcde", 7)] // a few short patterns over five letters: overlaps and failure chains
    [InlineData(3000, "abcdefghij甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳", 11)] // thousands: a larger filter
    [InlineData(200, "ab", 13)] // two letters: every pair is in some pattern
    public void A_walk_reports_every_occurrence_where_it_ends_and_nothing_else(int patternCount, string alphabet, int seed)
    {
        var random = new Random(seed);
        string Word(int length) => new([.. Enumerable.Range(0, length).Select(_ => alphabet[random.Next(alphabet.Length)])]);
        var patterns = Enumerable.Range(0, patternCount).Select(_ => Word(1 + random.Next(6))).Distinct(StringComparer.Ordinal).ToList();
        var automaton = Automaton.Build(patterns);

        for (var t = 0; t < 50; t++)
        {
            // Characters outside every pattern too, which send the walk back to the root.
            var text = string.Concat(Enumerable.Range(0, 60).Select(_ => random.Next(8) == 0 ? "，" : Word(1)));
            Assert.Equal(Naive(patterns, text, digitsAs: null), Walk(automaton, text));
        }
    }

    [Fact]
    public void Digits_read_as_the_mark_match_the_mark_or_any_digit_in_a_pattern()
    {
        const char mark = '\uE000';
        var patterns = new List<string> { $"{mark}元", $"加{mark}{mark}", "元宵", "1元" };
        var automaton = Automaton.Build(patterns, digitsAs: mark);
        foreach (var text in new[] { "5元", "３元", "加12块", "元宵节", "1元", "a元", "加1", "٥元" })
        {
            Assert.Equal(Naive(patterns, text, mark), Walk(automaton, text));
        }

        Assert.Contains((1, 0), Walk(automaton, "３元")); // a full-width digit is a digit
        Assert.Contains((1, 3), Walk(automaton, "5元")); // a digit in a pattern stands for any digit too
        Assert.Contains((2, 1), Walk(automaton, "加٥1"));
        Assert.Empty(Walk(automaton, "a元"));
    }

    private static List<(int End, int Pattern)> Walk(Automaton automaton, string text)
    {
        var found = new List<(int, int)>();
        var state = 0;
        ushort previous = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var symbol = automaton.Symbols[text[i]];
            state = automaton.NextSymbol(state, symbol, previous);
            previous = symbol;
            if (automaton.HasOutputs(state))
            {
                foreach (var id in automaton.Outputs(state))
                {
                    found.Add((i, id));
                }
            }
        }

        return [.. found.Order()];
    }

    private static List<(int End, int Pattern)> Naive(List<string> patterns, string text, char? digitsAs)
    {
        char Read(char c) => digitsAs is { } mark && char.IsDigit(c) ? mark : c;
        var read = new string([.. text.Select(Read)]);
        var found = new List<(int, int)>();
        for (var p = 0; p < patterns.Count; p++)
        {
            var pattern = digitsAs is { } mark ? new string([.. patterns[p].Select(c => char.IsDigit(c) ? mark : c)]) : patterns[p];
            for (var end = pattern.Length - 1; end < read.Length; end++)
            {
                if (string.CompareOrdinal(read, end - pattern.Length + 1, pattern, 0, pattern.Length) == 0)
                {
                    found.Add((end, p));
                }
            }
        }

        return [.. found.Order()];
    }
}
