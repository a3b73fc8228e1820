using GroupGuard.Core.Detection;
using GroupGuard.Core.Text;

namespace GroupGuard.Core.Rules;

/// <summary>
/// An immutable, loaded set of rule packs with its matcher built. A new version replaces it
/// whole; readers holding the old one finish with it undisturbed.
/// </summary>
public sealed class RuleSet
{
    internal RuleSet(
        string version,
        string directory,
        IReadOnlyList<RulePack> packs,
        IReadOnlyList<RuleTerm> allow,
        IReadOnlyDictionary<char, char> variants,
        IReadOnlyDictionary<string, IReadOnlyList<RuleTerm>>? groupAllow = null,
        TextFolder? folder = null)
    {
        Version = version;
        Directory = directory;
        Packs = packs;
        Allow = allow;
        GroupAllow = groupAllow ?? new Dictionary<string, IReadOnlyList<RuleTerm>>(StringComparer.Ordinal);
        Variants = variants;
        Folder = folder ?? TextFolder.WithVariants(variants);
        Rules = packs.SelectMany(p => p.Rules).ToArray();
        _byId = new(() =>
        {
            var byId = new Dictionary<string, Rule>(StringComparer.Ordinal);
            foreach (var rule in Rules)
            {
                byId.TryAdd(rule.Id, rule);
            }

            return byId;
        });
        TermCount = Rules.Sum(r => r.Terms.Count);
        StreamRules = [.. Rules.Where(r => r.Stream is not null)];
        LongestStreamWindow = StreamRules.Select(r => r.Stream!.Seconds).DefaultIfEmpty(0).Max();
        Engine = new DetectionEngine(this);
        Clean = new Verdict(version, []);
    }

    /// <summary>The verdict on a message nothing fired on, shared.</summary>
    internal Verdict Clean { get; }

    /// <summary>A short hash of every file that went into the set: the same files give the same version.</summary>
    public string Version { get; }

    public string Directory { get; }
    public IReadOnlyList<RulePack> Packs { get; }
    public IReadOnlyList<Rule> Rules { get; }
    public int TermCount { get; }

    private readonly Lazy<Dictionary<string, Rule>> _byId;

    /// <summary>The rule of this id (the first, where a set made in a test has two), or null: an incident's rule since taken out.</summary>
    public Rule? Find(string id) => _byId.Value.GetValueOrDefault(id);

    /// <summary>The lines of terms and phrases the folder held when loaded, counted against <see cref="RuleLoader.MaxTermLines"/>.</summary>
    public long TermLines { get; init; }

    /// <summary>The characters of terms and phrases the folder held when loaded, counted against <see cref="RuleLoader.MaxTermCharacters"/>.</summary>
    public long TermCharacters { get; init; }

    /// <summary>The rules over the message stream (flood, repeat, @all), found once per version.</summary>
    internal IReadOnlyList<Rule> StreamRules { get; }

    /// <summary>The longest window of any stream rule, in seconds.</summary>
    internal int LongestStreamWindow { get; }

    /// <summary>Phrases of <c>allow.txt</c>: they cancel any hit they cover.</summary>
    public IReadOnlyList<RuleTerm> Allow { get; }

    /// <summary>Phrases of each <c>allow-&lt;group id&gt;.txt</c>, by group id: they cancel any hit they cover in that group's messages only.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<RuleTerm>> GroupAllow { get; }

    /// <summary>Variant → canonical character, from <c>variants.txt</c>.</summary>
    public IReadOnlyDictionary<char, char> Variants { get; }

    /// <summary>Folding with this set's variants: the engine's, and what the loader checked the regexes against.</summary>
    internal TextFolder Folder { get; }

    internal DetectionEngine Engine { get; }

    /// <summary>For tests: an engine that runs every regex and detector on every message, skipping no rule for want of its literals.</summary>
    internal DetectionEngine EngineWithoutTriggers() => new(this, triggers: false);

    /// <summary>The folded terms that must stand as words, for the segmenter's dictionary.</summary>
    public IReadOnlyCollection<string> WordTerms => Engine.WordTerms;

    /// <summary>
    /// The regex rules that name no text every match must contain, and so are run on every message
    /// (the others run only where their literals occur): for <c>rules check</c> to point out.
    /// </summary>
    public IReadOnlyList<Rule> RegexesOnEveryMessage => Engine.RegexesOnEveryMessage;

    /// <summary>Regex and detector rules past the <see cref="WalkSets"/> whose words the detection walk looks for (<see cref="Detection.DetectionEngine.RulesPastTheWalk"/>).</summary>
    public IReadOnlyList<Rule> RulesPastTheWalk => Engine.RulesPastTheWalk;

    /// <summary>How many distinct sets of words, each needed by regex and detector rules, the detection walk looks for at most.</summary>
    public static int WalkSets => Detection.Triggers.MaxSets;

    /// <summary>The text as this rule set's matcher reads it (folded, with its variants): evidence for incidents.</summary>
    public string Fold(string text) => Folder.FoldToString(text);

    /// <summary>
    /// The text as a regex rule reads it first: each character folded as for matching (with this
    /// set's variants), the interference kept in its NFKC form and nothing collapsed. For telling
    /// what folding a regex hit went through.
    /// </summary>
    public string FoldForRegex(string text) => Folder.FoldLight(text).Text.ToString();

    /// <summary>
    /// Whether <paramref name="rule"/>'s regex matches exactly the <paramref name="length"/>
    /// characters of <paramref name="text"/> from <paramref name="start"/> as it reads the text first
    /// (<see cref="FoldForRegex"/>); false for a hit there that only its second reading found, the
    /// text without the spaces, symbols and emoji put inside and between words (出❤售冰❤毒), or for
    /// a rule without a regex.
    /// </summary>
    public bool RegexMatchesFirstReading(Rule rule, string text, int start, int length)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(text);
        if (rule.Regex is not { } regex)
        {
            return false;
        }

        var light = Folder.FoldLight(text);
        var chars = light.Text;
        for (var k = 0; k < light.Count; k++)
        {
            if (light.Map[k] != start)
            {
                continue;
            }

            // As the engine looks: the first match from here that is not empty.
            foreach (var match in regex.EnumerateMatches(chars, k))
            {
                if (match.Length == 0)
                {
                    continue;
                }

                if (light.Map[match.Index] == start && light.End[match.Index + match.Length - 1] == start + length)
                {
                    return true;
                }

                break;
            }
        }

        return false;
    }

    public static RuleSet Empty { get; } = new("empty", "", [], [], new Dictionary<char, char>());

    public string Summary => $"{Packs.Count} packs, {Rules.Count} rules, {TermCount} terms (version {Version})";
}
