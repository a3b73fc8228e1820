using System.Globalization;

namespace GroupGuard.Core.Rules;

/// <summary>
/// What one load may read over the whole rules folder. Each file is bounded
/// (<see cref="RuleTextFiles.MaxFileBytes"/>), but a pack may name many terms files and a folder
/// hold many packs, so the folder as a whole is bounded too: lines of terms and phrases (terms,
/// allow phrases, <c>unless</c>, <c>unless_preceded_by</c> and <c>unless_near</c> phrases; a
/// term costs about 340 bytes once built and 5 µs to load: 1.6 million from one 15 MB file took
/// 7.5 s and 1.5 GB at the peak), rules, and regex rules (a NonBacktracking regex takes 0.4 ms
/// to 0.4 s to build and keeps 90 KB to 3 MB; 16 MiB of YAML holds a hundred thousand).
/// Each bound is said once, on the line that passes it, with the errors (<see cref="RuleProblems.AddAlways"/>).
/// </summary>
internal sealed class LoadBudget
{
    /// <summary>The most lines of terms and phrases a folder may hold: about 170 MB once built (the shipped packs: 1,705 terms).</summary>
    public const int MaxTermLines = 500_000;

    /// <summary>
    /// The most characters the folder's terms and phrases may hold together, as written (the
    /// shipped packs: about 9,000). Each character is at worst a state of the one matcher all
    /// terms share, which holds at most 4,194,303, and costs about 300 bytes while it is built:
    /// 50,000 terms of 100 characters (5 million, one 15 MB file within every other bound) took
    /// 1.6 GB and then failed, and ten such files would have taken the machine's memory.
    /// </summary>
    public const int MaxTermCharacters = 4_000_000;

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
    /// is what building grows with. The shipped packs ask about 336,000 (a third of it: two thirds
    /// stay for the administrators' own); a million is about 3 s. Without it, 200 regexes each just inside <see cref="RegexSize.MaxSymbols"/>
    /// would take a minute and a half.
    /// </summary>
    public const long MaxRegexWork = 1_000_000;

    // What each bound says on the line that passes it.
    private static readonly string TermLinesPassed = string.Create(CultureInfo.InvariantCulture, $"more than {MaxTermLines:N0} lines of terms and phrases in the rules folder, the limit (each term costs memory and load time: about 340 bytes and 5 µs); the lines from here on are not read");
    private static readonly string TermCharactersPassed = string.Create(CultureInfo.InvariantCulture, $"more than {MaxTermCharacters:N0} characters of terms and phrases in the rules folder, the limit (each character costs the matcher memory and load time); the lines from here on are not read");
    private static readonly string RulesPassed = string.Create(CultureInfo.InvariantCulture, $"more than {MaxRules:N0} rules in the rules folder, the limit; the rules from here on are not read");
    private static readonly string RegexRulesPassed = string.Create(CultureInfo.InvariantCulture, $"more than {MaxRegexRules} regex rules in the rules folder, the limit (each takes up to 0.4 s and some megabytes to build): put lists of words in 'terms:', or join regexes that say the same");
    private static readonly string RegexWorkPassed = string.Create(CultureInfo.InvariantCulture, $"the folder's regexes together would take too long to build (the sum of the square of the different characters and classes each names passes {MaxRegexWork:N0}; the shipped packs' is about 336,000): put lists of words in 'terms:', or name fewer characters");

    private readonly RuleProblems _errors;
    private long _termLines;
    private long _termCharacters;
    private long _rules;
    private long _regexRules;
    private long _regexWork;

    /// <summary>The lines of terms and phrases taken so far.</summary>
    public long TermLines => _termLines;

    /// <summary>A budget that reports each bound it passes into <paramref name="errors"/>, once.</summary>
    public LoadBudget(RuleProblems errors) => _errors = errors;

    /// <summary>The characters of terms and phrases taken so far.</summary>
    public long TermCharacters => _termCharacters;

    /// <summary>Whether the folder's terms passed either bound: every term after is refused, and the error said so once.</summary>
    public bool TermsPassed => _termLines > MaxTermLines || _termCharacters > MaxTermCharacters;

    /// <summary>
    /// Takes a line of terms or phrases of <paramref name="characters"/> characters at
    /// <paramref name="path"/>:<paramref name="line"/>; false past <see cref="MaxTermLines"/> or
    /// <see cref="MaxTermCharacters"/>.
    /// </summary>
    public bool TakeTermLine(string path, int line, string? ruleId, int characters) =>
        Take(ref _termLines, 1, MaxTermLines, path, line, ruleId, TermLinesPassed)
        && Take(ref _termCharacters, characters, MaxTermCharacters, path, line, ruleId, TermCharactersPassed);

    /// <summary>Takes a rule; false past <see cref="MaxRules"/>.</summary>
    public bool TakeRule(string path, int line) =>
        Take(ref _rules, 1, MaxRules, path, line, null, RulesPassed);

    /// <summary>Takes a regex rule; false past <see cref="MaxRegexRules"/>.</summary>
    public bool TakeRegexRule(string path, int line, string ruleId) =>
        Take(ref _regexRules, 1, MaxRegexRules, path, line, ruleId, RegexRulesPassed);

    /// <summary>Takes the build work of a regex naming <paramref name="symbols"/>; false past <see cref="MaxRegexWork"/>.</summary>
    public bool TakeRegexWork(int symbols, string path, int line, string ruleId) =>
        Take(ref _regexWork, (long)symbols * symbols, MaxRegexWork, path, line, ruleId, RegexWorkPassed);

    /// <summary>Adds <paramref name="amount"/>; the first time the total passes <paramref name="max"/>, lists <paramref name="bound"/> on that line, past the problems' own bound.</summary>
    private bool Take(ref long taken, long amount, long max, string path, int line, string? ruleId, string bound)
    {
        var before = taken;
        taken += amount;
        if (taken <= max)
        {
            return true;
        }

        if (before <= max)
        {
            _errors.AddAlways(new RuleError(path, line, ruleId is null ? bound : $"rule '{ruleId}': {bound}"));
        }

        return false;
    }
}
