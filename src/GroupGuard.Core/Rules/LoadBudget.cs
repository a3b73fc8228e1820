namespace GroupGuard.Core.Rules;

/// <summary>
/// What one load may read over the whole rules folder. Each file is bounded
/// (<see cref="RuleTextFiles.MaxFileBytes"/>), but a pack may name many terms files and a folder
/// hold many packs, so the folder as a whole is bounded too: lines of terms and phrases (terms,
/// allow phrases, <c>unless</c> and <c>unless_preceded_by</c> phrases; a
/// term costs about 340 bytes once built and 5 µs to load: 1.6 million from one 15 MB file took
/// 7.5 s and 1.5 GB at the peak), rules, and regex rules (a NonBacktracking regex takes 0.4 ms
/// to 0.4 s to build and keeps 90 KB to 3 MB; 16 MiB of YAML holds a hundred thousand).
/// Each bound is said once, on the line that passes it.
/// </summary>
internal sealed class LoadBudget
{
    /// <summary>The most lines of terms and phrases a folder may hold: about 170 MB once built (the shipped packs: 1,705 terms).</summary>
    public const int MaxTermLines = 500_000;

    /// <summary>The most rules a folder may hold (the shipped packs: 44).</summary>
    public const int MaxRules = 10_000;

    /// <summary>The most regex rules a folder may hold (the shipped packs: 19).</summary>
    public const int MaxRegexRules = 200;

    /// <summary>
    /// The longest term or phrase, in characters (the shipped packs: 9). A word term goes into the
    /// segmenter's dictionary with every prefix of it, which grows with the square of its length:
    /// one of 5,000 characters took 1 s to load, one of 50,000 took 46 s and 2.6 GB.
    /// </summary>
    public const int MaxTermLength = 100;

    /// <summary>
    /// The most build work a folder's regexes may ask for together: the sum over them of the square
    /// of the different characters and classes each names (<see cref="RegexSize.Symbols"/>), which
    /// is what building grows with. The shipped packs ask about 210,000 (0.55 s to build); a
    /// million is about 3 s. Without it, 200 regexes each just inside <see cref="RegexSize.MaxSymbols"/>
    /// would take a minute and a half.
    /// </summary>
    public const long MaxRegexWork = 1_000_000;

    private int _termLines;
    private int _rules;
    private int _regexRules;
    private long _regexWork;

    /// <summary>Takes a line of terms or phrases; false past <see cref="MaxTermLines"/>.</summary>
    public bool TakeTermLine(out bool justExhausted) => Take(ref _termLines, MaxTermLines, out justExhausted);

    /// <summary>Takes a rule; false past <see cref="MaxRules"/>.</summary>
    public bool TakeRule(out bool justExhausted) => Take(ref _rules, MaxRules, out justExhausted);

    /// <summary>Takes a regex rule; false past <see cref="MaxRegexRules"/>.</summary>
    public bool TakeRegexRule(out bool justExhausted) => Take(ref _regexRules, MaxRegexRules, out justExhausted);

    /// <summary>Takes the build work of a regex naming <paramref name="symbols"/>; false past <see cref="MaxRegexWork"/>.</summary>
    public bool TakeRegexWork(int symbols, out bool justExhausted)
    {
        var before = _regexWork;
        _regexWork += (long)symbols * symbols;
        justExhausted = before <= MaxRegexWork && _regexWork > MaxRegexWork;
        return _regexWork <= MaxRegexWork;
    }

    private static bool Take(ref int taken, int max, out bool justExhausted)
    {
        taken++;
        justExhausted = taken == max + 1;
        return taken <= max;
    }
}
