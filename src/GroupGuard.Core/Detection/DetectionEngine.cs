using GroupGuard.Core.Detection.Detectors;
using GroupGuard.Core.Rules;
using GroupGuard.Core.Text;

namespace GroupGuard.Core.Detection;

/// <summary>
/// Everything a rule set matches with, built once per version: the folder (with the set's
/// variants), one automaton for every term, pinyin form and allow phrase of every pack and for the
/// literals the regex and detector rules need, and those rules. Immutable and thread-safe.
/// </summary>
internal sealed class DetectionEngine
{
    /// <summary>More interference than this between two letters ends a possible match.</summary>
    public const int MaxGap = 8;

    [ThreadStatic]
    private static List<Candidate>? t_candidates;

    [ThreadStatic]
    private static AllowSpans? t_allows;

    // The hits being gathered (the caller gets a copy, or nothing allocated when there are none),
    // the rules that fired among the terms, and the detectors' matches: per thread, so that most
    // chat allocates nothing on its way through.
    [ThreadStatic]
    private static List<RuleHit>? t_hits;

    [ThreadStatic]
    private static HashSet<int>? t_fired;

    [ThreadStatic]
    private static List<DetectorMatch>? t_matches;

    // The unless_near checks made for the message under way (MaxNearChecks).
    [ThreadStatic]
    private static int t_nearChecks;

    private readonly Rule[] _rules;
    private readonly TextFolder _folder;
    private readonly Automaton _automaton;
    private readonly int _longestPattern;
    private readonly Pattern[][] _entries;
    private readonly int[] _regexRules;
    private readonly int[] _detectorRules;

    // The literals regex and detector rules need (null when none needs any); per rule of
    // _regexRules the trigger bits it needs, per rule of _detectorRules the bits each part of its
    // detector needs (null: no parts, it always runs). A rule or part that needs none always runs.
    private readonly Triggers? _triggers;
    private readonly ushort[]? _triggerSymbols;
    private readonly ushort[]? _compactTriggerSymbols;
    private readonly UInt128[] _regexNeeds;
    private readonly UInt128[]?[] _partNeeds;
    // The trigger bits some regex or detector part needs, all of them together, on typed text and on
    // a QR code's payload, where the payload-only detectors (qr) run too: each set once, and none that
    // holds another (where it is seen, so is the other). A rule that runs whatever the literals needs
    // none (0). Typed text never runs the payload-only detectors, so they do not keep the rest of
    // chat from its early way out.
    private readonly UInt128[] _typedNeeds;
    private readonly UInt128[] _payloadNeeds;

    // Per rule: its unless_preceded_by words, folded (empty for most rules).
    private readonly string[][] _precededBy;

    // Per rule: its unless_near phrases, folded (empty for most rules); and the negations that keep
    // one from counting when they stand right before it (不是骗局, 非诈骗), folded.
    private readonly string[][] _near;
    private readonly string[] _nearNegations;
    private readonly string[] _nearRivals;

    // The words that name a person, folded, when a rule asks for one (target: person); else null.
    private readonly TargetWords? _persons;
    private readonly TargetWords? _groups;

    // Words for a people, region or sex: a negation may stand before one that stands right before
    // the hit (都说河南人偷井盖), see Negated.
    private readonly TargetWords _negationGroups;

    // The fast pass's table: per UTF-16 unit, the automaton symbol of its fold (low 16 bits) and its
    // fold flags (high bits), so one load per character says both what it is and where it leads.
    // For interference that is a literal of its own (+), the low bits index _skipped instead.
    private readonly uint[] _fast;

    // Per automaton state (Automaton.Id): what ends there (TermEnds, LiteralEnds), and what its
    // literals give. Then what the literals that the fold leaves nothing of give (always found), and,
    // per interference character read beside the walk, what it gives and the slot it sets.
    private readonly byte[] _stateKind;
    private readonly LiteralsFound[] _stateLiterals;
    private readonly LiteralsFound _always;
    private readonly LiteralsFound[] _skipped;

    /// <summary>
    /// What finding literals gives the walk: their trigger bits, those of them that are parts of
    /// combinations (reported to the walk; null: none), and the literals that count only once some
    /// interference was seen (/个; null: none). <c>Slots</c>: for an interference character the slot
    /// it sets; for one of <c>After</c>, the slots that must have been set.
    /// </summary>
    private readonly record struct LiteralsFound(UInt128 Bits, int[]? Parts, LiteralsFound[]? After = null, ulong Slots = 0);

    /// <summary>Adds what <paramref name="literals"/> give to a walk: their bits, and their parts of combinations.</summary>
    private static void Take(in LiteralsFound literals, ref UInt128 found, ref Triggers.Walk walk)
    {
        found |= literals.Bits;
        if (literals.Parts is { } parts)
        {
            walk.Report(parts);
        }
    }

    /// <summary>
    /// The literals that end in state <paramref name="id"/>, and those of them that count only after
    /// the interference characters of their slots were passed (<paramref name="seenSkipped"/>).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private void TakeLiterals(int id, ulong seenSkipped, ref UInt128 found, ref Triggers.Walk walk)
    {
        ref readonly var literals = ref _stateLiterals[id];
        Take(in literals, ref found, ref walk);
        if (literals.After is { } after)
        {
            foreach (ref readonly var conditional in after.AsSpan())
            {
                if ((seenSkipped & conditional.Slots) == conditional.Slots)
                {
                    Take(in conditional, ref found, ref walk);
                }
            }
        }
    }

    /// <summary>
    /// What the fast pass takes where it reaches state <paramref name="id"/> at <paramref name="at"/>:
    /// the first term end, when none was found before, and the literals that end there. True when
    /// the pass can stop: a term ends and there are no literals to look for.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private bool TakeOutputs(int id, int at, ulong seenSkipped, ref int first, ref UInt128 found, ref Triggers.Walk walk)
    {
        var kind = _stateKind[id];
        if ((kind & TermEnds) != 0 && first < 0)
        {
            first = at;
            if (_triggers is null)
            {
                return true;
            }
        }

        if ((kind & LiteralEnds) != 0)
        {
            TakeLiterals(id, seenSkipped, ref found, ref walk);
        }

        return false;
    }

    // A fast-table flag beside the CharFlags bits: the folded character is an ASCII letter.
    private const uint AsciiLetterFlag = 1u << 22;

    // And: interference that may start a face written as text ('[' and '/' as folded).
    private const uint FaceStartFlag = 1u << 23;

    // The kind of a fast-table entry (CharFlags.KindMask, shifted): 0 for a character that counts.
    private const uint KindBits = (uint)CharFlags.KindMask << 16;

    /// <param name="triggers">False to run every regex and detector on every message (for tests that compare).</param>
    public DetectionEngine(RuleSet set, bool triggers = true)
    {
        _rules = [.. set.Rules];
        _folder = set.Folder;
        var patterns = new List<string>();
        var entries = new List<List<Pattern>>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var wordTerms = new HashSet<string>(StringComparer.Ordinal);

        void Add(string folded, Pattern pattern)
        {
            if (folded.Length == 0)
            {
                return;
            }

            if (!index.TryGetValue(folded, out var id))
            {
                id = patterns.Count;
                index[folded] = id;
                patterns.Add(folded);
                entries.Add([]);
            }

            entries[id].Add(pattern);
        }

        for (var r = 0; r < _rules.Length; r++)
        {
            var rule = _rules[r];
            foreach (var term in rule.Terms)
            {
                var folded = _folder.FoldToString(term.Text);
                var word = rule.Match == TermMatch.Word || (rule.Match == TermMatch.Auto && folded.Length <= 2 && folded.All(c => CharTables.IsCjk(c)));
                if (word && folded.Any(c => CharTables.IsCjk(c)))
                {
                    wordTerms.Add(folded);
                }

                Add(folded, Pattern.ForTerm(r, term.Text, folded, word));
                if (rule.Pinyin)
                {
                    foreach (var form in Pinyin.Variants(folded))
                    {
                        Add(_folder.FoldToString(form), Pattern.ForTerm(r, term.Text, form, word: false));
                    }
                }
            }

            foreach (var phrase in rule.Unless)
            {
                Add(_folder.FoldToString(phrase.Text), Pattern.ForAllow(r));
            }
        }

        foreach (var phrase in set.Allow)
        {
            Add(_folder.FoldToString(phrase.Text), Pattern.ForAllow(AllowSpans.EveryRule));
        }

        foreach (var (group, phrases) in set.GroupAllow)
        {
            foreach (var phrase in phrases)
            {
                Add(_folder.FoldToString(phrase.Text), Pattern.ForAllow(AllowSpans.EveryRule, group));
            }
        }

        _precededBy = [.. _rules.Select(r => r.UnlessPrecededBy.Select(w => _folder.FoldToString(w.Text)).Where(w => w.Length > 0).ToArray())];
        _near = [.. _rules.Select(r => r.UnlessNear.Select(w => _folder.FoldToString(w.Text)).Where(w => w.Length > 0).Distinct().ToArray())];
        _nearNegations = [.. NearNegations.Select(_folder.FoldToString).Where(w => w.Length > 0).Distinct()];
        _nearRivals = [.. NearRivals.Select(_folder.FoldToString).Where(w => w.Length > 0).Distinct()];
        _persons = _rules.Any(r => r.Target == TermTarget.Person) ? TargetWords.ForPersons(_folder) : null;
        _groups = _rules.Any(r => r.Target == TermTarget.Group) ? TargetWords.ForGroups(_folder) : null;
        _negationGroups = _groups ?? TargetWords.ForGroups(_folder);
        var termPatterns = patterns.Count;
        _regexRules = [.. Enumerable.Range(0, _rules.Length).Where(r => _rules[r].Regex is not null)];
        _detectorRules = [.. Enumerable.Range(0, _rules.Length).Where(r => _rules[r].Detector is not null)];
        var parts = _detectorRules.Select(r => _rules[r].Detector!.Parts.Take(64).Select(DetectorLiterals).ToArray()).ToArray();
        var required = _regexRules.Select(r => RequiredLiterals.Of(_rules[r].Regex!)).Concat(parts.SelectMany(p => p)).ToList();
        RegexesOnEveryMessage = [.. _regexRules.Where((r, k) => required[k].Count == 0).Select(r => _rules[r])];
        _triggers = triggers ? Triggers.Build(required) : null;

        // Entries of `required`: the regex rules in turn, then each detector rule's parts.
        var owners = _regexRules.Concat(_detectorRules.SelectMany((r, d) => Enumerable.Repeat(r, parts[d].Length))).ToArray();
        RulesPastTheWalk = _triggers is null ? [] : [.. _triggers.Unguarded.Select(k => owners[k]).Distinct().Select(r => _rules[r])];
        _triggerSymbols = _triggers?.RawSymbols(_folder.Table);
        _compactTriggerSymbols = _triggers?.RawSymbols(_folder.Table, compact: true);

        // The literals join the terms in one automaton, with no entries of their own (the full pass
        // passes over them): the fast pass then finds both in one walk (FastPass). Interference the
        // fold leaves out is read beside the walk: a literal of one such character (+) gives its bits
        // there, and one that begins with such characters (/个, the price per piece) counts only once
        // they were seen (each has a bit of the walk's own, a slot).
        var literalsAt = new Dictionary<int, List<(int Pattern, ulong After)>>();
        var always = new List<int>();
        var skipped = new Dictionary<char, List<int>>();
        var slots = new Dictionary<char, int>();
        if (_triggers is not null)
        {
            for (var p = 0; p < _triggers.Patterns.Count; p++)
            {
                var literal = _triggers.Patterns[p];
                if (literal.Length == 1 && IsSkipped(literal[0]))
                {
                    (skipped.TryGetValue(literal[0], out var list) ? list : skipped[literal[0]] = []).Add(p);
                    continue;
                }

                var lead = 0;
                while (lead < literal.Length && IsSkipped(literal[lead]))
                {
                    lead++;
                }

                ulong after = 0;
                if (lead > 0 && lead < literal.Length && slots.Count + literal[..lead].Distinct().Count(c => !slots.ContainsKey(c)) <= 64)
                {
                    foreach (var c in literal[..lead])
                    {
                        after |= 1UL << (slots.TryGetValue(c, out var slot) ? slot : slots[c] = slots.Count);
                    }

                    literal = literal[lead..];
                }

                var forms = UnionForms(literal);
                if (forms.Count == 0)
                {
                    always.Add(p);
                }

                foreach (var form in forms)
                {
                    if (!index.TryGetValue(form, out var id))
                    {
                        id = patterns.Count;
                        index[form] = id;
                        patterns.Add(form);
                        entries.Add([]);
                    }

                    (literalsAt.TryGetValue(id, out var at) ? at : literalsAt[id] = []).Add((p, after));
                }
            }
        }

        _automaton = Automaton.Build(patterns);
        _longestPattern = _automaton.PatternLength.DefaultIfEmpty(0).Max();
        _entries = [.. entries.Select(e => e.ToArray())];
        (_stateKind, _stateLiterals) = StateTables(_automaton, _entries, literalsAt, _triggers);
        _always = Found(always, _triggers);
        var skipIndex = new Dictionary<char, ushort>();
        var skippedFound = new List<LiteralsFound> { default }; // index 0: no literal
        foreach (var c in skipped.Keys.Union(slots.Keys))
        {
            skipIndex[c] = (ushort)skippedFound.Count;
            skippedFound.Add(Found(skipped.GetValueOrDefault(c) ?? [], _triggers) with { Slots = slots.TryGetValue(c, out var slot) ? 1UL << slot : 0 });
        }

        _skipped = [.. skippedFound];

        _fast = BuildFastTable(_folder.Table, _automaton.Symbols, skipIndex, digitsToTriggerWalk: _triggers is not null);
        var needs = _triggers is null ? new UInt128[required.Count] : [.. _triggers.Needs];
        _regexNeeds = needs[.._regexRules.Length];
        _partNeeds = new UInt128[]?[_detectorRules.Length];
        for (int k = 0, at = _regexRules.Length; k < _detectorRules.Length; at += parts[k].Length, k++)
        {
            _partNeeds[k] = parts[k].Length == 0 ? null : needs[at..(at + parts[k].Length)];
        }

        IEnumerable<UInt128> PartNeeds(bool payload) => Enumerable.Range(0, _detectorRules.Length)
            .Where(k => payload || !_rules[_detectorRules[k]].Detector!.PayloadOnly)
            .SelectMany(k => _partNeeds[k] ?? [UInt128.Zero]);
        _typedNeeds = Fewest(_regexNeeds.Concat(PartNeeds(payload: false)));
        _payloadNeeds = Fewest(_regexNeeds.Concat(PartNeeds(payload: true)));
        WordTerms = wordTerms;
        PatternCount = termPatterns;
    }

    /// <summary>
    /// Whether the fold writes nothing for a character the light fold keeps: interference (a
    /// literal of one such character, +, is looked for beside the walk, on <see cref="_skipped"/>).
    /// </summary>
    private bool IsSkipped(char c) => c != RequiredLiterals.DigitMark && (CharTables.Flags(_folder.Table[c]) & CharFlags.KindMask) == CharFlags.Skip;

    /// <summary>
    /// What the one walk looks for in place of a literal (light-fold space, digits as the digit
    /// mark): strings in the fold's space that any text holding the literal holds, perhaps also
    /// where it does not (which only runs a regex that then finds nothing). Interference inside is
    /// dropped and repeated hanzi counted once, as the fold does (http:// is looked for as http, /个
    /// as 个); a run of three digit marks or more stands for one digit, each mark becomes the ten
    /// digits, and past two marks the marks are dropped. None when nothing is left: always found.
    /// </summary>
    private List<string> UnionForms(string literal)
    {
        // More interference in a row than a walk passes over: no form holds for certain.
        var skippedRun = 0;
        foreach (var c in literal)
        {
            skippedRun = IsSkipped(c) ? skippedRun + 1 : 0;
            if (skippedRun > MaxGap)
            {
                return [];
            }
        }

        var mark = RequiredLiterals.DigitMark.ToString();
        var reduced = System.Text.RegularExpressions.Regex.Replace(literal, System.Text.RegularExpressions.Regex.Escape(mark) + "{3,}", mark);
        if (reduced.Count(c => c == RequiredLiterals.DigitMark) > 2)
        {
            reduced = reduced.Replace(RequiredLiterals.DigitMark.ToString(), "", StringComparison.Ordinal);
        }

        var forms = new List<string> { reduced };
        while (forms[0].IndexOf(RequiredLiterals.DigitMark) is var k and >= 0)
        {
            forms = [.. forms.SelectMany(f => Enumerable.Range(0, 10).Select(d => f[..k] + (char)('0' + d) + f[(k + 1)..]))];
        }

        return [.. forms.SelectMany(FoldReadings).Where(f => f.Length > 0).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>
    /// The folds of <paramref name="literal"/> wherever it stands in a text. A Latin letter that
    /// stands for a hanzi alone beside hanzi (v for 微) reads as the hanzi or the letter by what is
    /// next to it, and at the literal's edge that is outside it: 加v is 加微 in 加v信 and 加v in
    /// 加vzhang, so both are looked for. Otherwise the literal folds one way.
    /// </summary>
    private IEnumerable<string> FoldReadings(string literal)
    {
        yield return _folder.FoldToString(literal);
        if (!LatinVariantAtEdge(literal))
        {
            yield break;
        }

        // A kept hanzi and a kept letter that is no variant stand for the text beside the literal.
        const char Hanzi = '龘';
        var letter = Enumerable.Range('a', 26).Select(c => (char)c)
            .FirstOrDefault(c => (CharTables.Flags(_folder.Table[c]) & CharFlags.LatinVariant) == 0 && _folder.FoldChar(c) == c && !literal.Contains(c, StringComparison.OrdinalIgnoreCase));
        if (letter == '\0' || _folder.FoldChar(Hanzi) != Hanzi)
        {
            yield break;
        }

        char[] beside = ['\0', Hanzi, letter];
        foreach (var before in beside)
        {
            foreach (var after in beside)
            {
                var folded = _folder.FoldToString((before == '\0' ? "" : before.ToString()) + literal + (after == '\0' ? "" : after.ToString()));
                if (before != '\0')
                {
                    folded = folded.Length > 0 && folded[0] == before ? folded[1..] : null;
                }

                if (after != '\0' && folded is not null)
                {
                    folded = folded.Length > 0 && folded[^1] == after ? folded[..^1] : null;
                }

                if (folded is not null)
                {
                    yield return folded;
                }
            }
        }
    }

    /// <summary>Whether the first or last character of <paramref name="literal"/> the fold keeps is a Latin variant (v, q).</summary>
    private bool LatinVariantAtEdge(string literal)
    {
        var kept = literal.Where(c => (CharTables.Flags(_folder.Table[c]) & CharFlags.KindMask) is not (CharFlags.Skip or CharFlags.Drop)).ToList();
        return kept.Count > 0 && (CharTables.Flags(_folder.Table[kept[0]]) & CharFlags.LatinVariant | CharTables.Flags(_folder.Table[kept[^1]]) & CharFlags.LatinVariant) != 0;
    }

    /// <summary>What finding the literals <paramref name="found"/> gives: their bits, and those of them that are parts of combinations.</summary>
    private static LiteralsFound Found(IEnumerable<int> found, Triggers? triggers)
    {
        var bits = UInt128.Zero;
        var parts = new List<int>();
        foreach (var p in found)
        {
            bits |= triggers!.BitsOf(p);
            if (triggers.InCombination(p))
            {
                parts.Add(p);
            }
        }

        return new LiteralsFound(bits, parts.Count == 0 ? null : [.. parts]);
    }

    /// <summary>
    /// Per automaton state: whether a term, pinyin form or allow phrase ends there (<see cref="TermEnds"/>)
    /// and whether a literal does (<see cref="LiteralEnds"/>), and what its literals give (those that
    /// begin with interference under <c>After</c>, each with the slots it needs).
    /// </summary>
    private static (byte[] Kind, LiteralsFound[] Literals) StateTables(
        Automaton automaton, Pattern[][] entries, Dictionary<int, List<(int Pattern, ulong After)>> literalsAt, Triggers? triggers)
    {
        var kind = new byte[automaton.StateCount];
        var literalsFound = new LiteralsFound[automaton.StateCount];
        var found = new List<(int Pattern, ulong After)>();
        for (var state = 0; state < automaton.StateCount; state++)
        {
            found.Clear();
            foreach (var id in automaton.Outputs(state))
            {
                if (entries[id].Length > 0)
                {
                    kind[state] |= TermEnds;
                }

                if (literalsAt.TryGetValue(id, out var literals))
                {
                    kind[state] |= LiteralEnds;
                    found.AddRange(literals);
                }
            }

            if (found.Count > 0)
            {
                LiteralsFound[] after = [.. found.Where(l => l.After != 0).Distinct().Select(l => Found([l.Pattern], triggers) with { Slots = l.After })];
                literalsFound[state] = Found(found.Where(l => l.After == 0).Select(l => l.Pattern).Distinct(), triggers) with { After = after.Length == 0 ? null : after };
            }
        }

        return (kind, literalsFound);
    }

    private const byte TermEnds = 1;
    private const byte LiteralEnds = 2;

    public IReadOnlyCollection<string> WordTerms { get; }

    /// <summary>
    /// A detector's literals, which are in the original text's terms, as the light fold writes them
    /// (the light fold maps each character on its own, so a literal in the text is its fold in the
    /// light text). A literal with a digit holds only while every digit folds to a digit.
    /// </summary>
    private IReadOnlyList<LiteralSet> DetectorLiterals(IReadOnlyList<LiteralSet> sets)
    {
        var folded = new List<LiteralSet>();
        foreach (var set in sets)
        {
            if (set.Strings.Any(s => s.Contains(RequiredLiterals.DigitMark)) && !_digitsStayDigits.Value)
            {
                continue;
            }

            var strings = set.Strings.Select(FoldLiteral).ToArray();
            if (strings.All(s => s.Length > 0))
            {
                folded.Add(new LiteralSet(strings));
            }
        }

        return folded;
    }

    // Digit marks stand between the folded pieces: no fold changes them.
    private string FoldLiteral(string literal) =>
        string.Join(RequiredLiterals.DigitMark, literal.Split(RequiredLiterals.DigitMark).Select(piece => _folder.FoldLight(piece).Text.ToString()));

    private Lazy<bool> _digitsStayDigits => field ??= new(DigitsStayDigits);

    private bool DigitsStayDigits()
    {
        for (var c = '\0'; c < char.MaxValue; c++)
        {
            if (char.IsDigit(c) && !ContainsDigit(_folder.FoldLight(c.ToString()).Text))
            {
                return false;
            }
        }

        return true;
    }

    private static bool ContainsDigit(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (char.IsDigit(c))
            {
                return true;
            }
        }

        return false;
    }

    public int PatternCount { get; }

    /// <summary>The regex rules with no text that every match must contain (RequiredLiterals): they run on every message.</summary>
    public IReadOnlyList<Rule> RegexesOnEveryMessage { get; }

    /// <summary>
    /// The regex and detector rules whose words the detection walk cannot look for, since more
    /// than <see cref="RuleSet.WalkSets"/> rules (and detector parts) need words of their own: they
    /// run on every message.
    /// </summary>
    public IReadOnlyList<Rule> RulesPastTheWalk { get; }

    internal TextFolder Folder => _folder;

    /// <summary>
    /// The hits of every rule that applies to <paramref name="groupId"/>, at most one a rule (its
    /// first), ordered by where they start in <paramref name="text"/>. Spans are in the original
    /// text. <paramref name="segmenter"/> confirms word-mode hits; without one they are taken as words.
    /// With <paramref name="misses"/>, what was found and did not count is added there, with why
    /// (<see cref="NearMiss"/>; none of a rule that fired).
    /// </summary>
    public IReadOnlyList<RuleHit> Match(string text, string? groupId, IWordSegmenter? segmenter, TextOrigin origin = TextOrigin.Typed, List<NearMiss>? misses = null)
    {
        if (text.Length == 0)
        {
            return [];
        }

        try
        {
            return MatchCore(text, groupId, segmenter, origin, misses);
        }
        finally
        {
            // A long message's fold stays with no thread after it.
            TextFolder.DropLargeBuffers();
        }
    }

    private IReadOnlyList<RuleHit> MatchCore(string text, string? groupId, IWordSegmenter? segmenter, TextOrigin origin, List<NearMiss>? misses)
    {

        // Most chat: no term, pinyin form or allow phrase can end anywhere in it, so the fold and
        // the full scan are skipped and only regexes and detectors remain; and of those only the
        // ones whose literals the fast pass found on its way.
        var walked = FastPass(text, out var firstEnd, out var seen);
        var mayMatch = firstEnd >= 0;
        LightText? light = null;
        if (_triggers is null)
        {
            seen = UInt128.MaxValue;
            if (!mayMatch && _regexRules.Length == 0 && _detectorRules.Length == 0)
            {
                return [];
            }
        }
        else
        {
            // Where the fast pass stopped early: straight from the text through a table; the light
            // fold is written out only when a character needs it, or later for the regexes that run.
            // Literals split by interference (冰❤毒), which the one walk finds across it as it finds
            // terms, are looked for where the regexes will read them too: the compact text.
            if (!walked)
            {
                if (_triggers.TryFindInRaw(text, _triggerSymbols!, _triggers.All, out seen))
                {
                    // The compact table only writes more units as nothing, so it reads the message
                    // wherever the light one does; but a face written as text goes whole from the
                    // compact text, which a table of units cannot tell: there, the compact text itself.
                    if (!Text.ChatTokens.HasFace(text))
                    {
                        _triggers.TryFindInRaw(text, _compactTriggerSymbols!, _triggers.All, out var joined);
                        seen |= joined;
                    }
                    else if (_folder.Compact(light = _folder.FoldLight(text)) is { } compact)
                    {
                        seen |= _triggers.Find(compact.Text, _triggers.All);
                    }
                }
                else
                {
                    light = _folder.FoldLight(text);
                    seen = _triggers.Find(light.Text, _triggers.All);
                    if (_folder.Compact(light) is { } compact)
                    {
                        seen |= _triggers.Find(compact.Text, _triggers.All);
                    }
                }
            }

            var payload = origin == TextOrigin.QrCode;
            if (!mayMatch && !AnyTriggered(seen, payload))
            {
                return [];
            }
        }

        var hits = t_hits ??= [];
        hits.Clear();
        t_nearChecks = 0;
        var allows = t_allows ??= new AllowSpans();
        allows.Clear();
        if (mayMatch)
        {
            var folded = _folder.Fold(text);
            var candidates = t_candidates ??= [];
            candidates.Clear();
            Scan(folded, groupId, candidates, allows, ScanFrom(folded, firstEnd), misses);
            if (candidates.Count > 0)
            {
                Confirm(text, folded, candidates, allows, segmenter, hits, misses);
            }
        }

        if (_regexRules.Length > 0)
        {
            MatchRegexes(text, light, seen, groupId, allows, hits, misses);
        }

        if (_detectorRules.Length > 0)
        {
            MatchDetectors(text, seen, groupId, allows, hits, origin, misses);
        }

        if (misses is not null)
        {
            KeepTrueMisses(text, hits, allows, misses);
        }

        if (hits.Count == 0)
        {
            return [];
        }

        if (hits.Count > 1)
        {
            hits.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.Length.CompareTo(b.Length));
        }

        var found = hits.ToArray();
        hits.Clear();
        return found;
    }

    /// <summary>
    /// Whether some regex or detector rule has the literals it needs in <paramref name="seen"/>; the
    /// payload-only detectors count only on a QR code's <paramref name="payload"/>.
    /// </summary>
    private bool AnyTriggered(UInt128 seen, bool payload)
    {
        foreach (var need in payload ? _payloadNeeds : _typedNeeds)
        {
            if ((seen & need) == need)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The distinct needs of <paramref name="needs"/> that hold no other one of them.</summary>
    private static UInt128[] Fewest(IEnumerable<UInt128> needs)
    {
        var distinct = needs.Distinct().ToList();
        return [.. distinct.Where(n => !distinct.Any(m => m != n && (n & m) == m))];
    }

    /// <summary>Bit k set when the literals of part k were all <paramref name="seen"/>.</summary>
    private static ulong PartsMet(UInt128[] parts, UInt128 seen)
    {
        ulong met = 0;
        for (var k = 0; k < parts.Length; k++)
        {
            if ((seen & parts[k]) == parts[k])
            {
                met |= 1UL << k;
            }
        }

        return met;
    }

    /// <summary>
    /// For tests: what the fast pass says, whether the full pass finds any pattern at all, and
    /// whether the full pass started where the fast pass says finds what it finds from the start.
    /// </summary>
    internal (bool FastMayMatch, bool FullFound, bool SameFromHint) CompareFastAndFull(string text)
    {
        var folded = _folder.Fold(text);
        var candidates = new List<Candidate>();
        var allows = new AllowSpans();
        Scan(folded, groupId: null, candidates, allows, 0, misses: null);
        FastPass(text, out var firstEnd, out _);
        var hinted = new List<Candidate>();
        var hintedAllows = new AllowSpans();
        if (firstEnd >= 0)
        {
            Scan(folded, groupId: null, hinted, hintedAllows, ScanFrom(folded, firstEnd), misses: null);
        }

        var same = candidates.SequenceEqual(hinted) && allows.Count == hintedAllows.Count;
        return (firstEnd >= 0, candidates.Count + allows.Count > 0, same);
    }

    /// <summary>
    /// For tests: whether the one walk read all of <paramref name="text"/>, the trigger bits it
    /// found, and the bits the trigger walk finds in the light fold (which the first must hold).
    /// </summary>
    internal (bool Walked, UInt128 Seen, UInt128 Light) CompareWalks(string text)
    {
        var walked = FastPass(text, out _, out var seen);
        var light = _triggers!.Find(_folder.FoldLight(text).Text, _triggers.All);
        return (walked, seen, light);
    }

    /// <summary>
    /// Where the full pass starts its walk: far enough before the folded character of
    /// <paramref name="firstEnd"/> (the fast pass's first possible end of a pattern, an offset in the
    /// text) that the automaton is in the state a walk from the start would be in there. No pattern
    /// ends before it (the fast pass reads the same characters to the same states, and more of them:
    /// it does not blank faces and mentions), and a walk from any point is in that state once it has
    /// read as many characters as the longest pattern has.
    /// </summary>
    private int ScanFrom(FoldedText folded, int firstEnd)
    {
        var starts = folded.Start.AsSpan(0, folded.Count);
        var at = starts.BinarySearch(firstEnd);
        at = at >= 0 ? at : ~at; // the first folded character from that offset on
        return Math.Max(0, at - _longestPattern - 1);
    }

    /// <summary>
    /// The fast pass: folds and walks the automaton in one loop, writing nothing. Says where a term,
    /// pinyin form or allow phrase could first end in the text (<paramref name="firstEnd"/>, an offset
    /// in it), or -1 when none can. -1 is exact; an offset sends the message through the full pass,
    /// which also decides boundaries and words, and starts its walk shortly before it
    /// (<see cref="ScanFrom"/>). The automaton holds the regex and detector literals too, and the walk
    /// goes on to the end for them: <paramref name="seen"/> gets the trigger bits of those it passed,
    /// every bit the light fold would find and perhaps more (<see cref="UnionForms"/>). False where the
    /// walk stops early (a character only the full fold can tell, a run of one repeated letter), with
    /// <paramref name="firstEnd"/> there: the trigger walk then tells the bits. Without literals to
    /// look for it stops at the first end.
    /// </summary>
    private bool FastPass(string text, out int firstEnd, out UInt128 seen)
    {
        var fast = _fast;
        var automaton = _automaton;
        var walk = _triggers is null ? default : _triggers.StartWalk();
        var found = UInt128.Zero;
        Take(in _always, ref found, ref walk);
        var first = -1;
        var state = 0;
        var gap = 0;
        var run = 0;
        ulong seenSkipped = 0;
        ushort last = 0; // the symbol read last
        for (var i = 0; i < text.Length; i++)
        {
            // Most of chat, in a loop of its own: characters that count, one after another, none a
            // repeat of the one before, up to where a pattern ends.
            if (gap == 0)
            {
                var stop = automaton.WalkPlain(text, i, fast, KindBits, ref state, ref last);
                if (stop > i)
                {
                    run = 1;
                    if (automaton.HasOutputs(state))
                    {
                        i = stop - 1;
                        if (TakeOutputs(Automaton.Id(state), i, seenSkipped, ref first, ref found, ref walk))
                        {
                            break;
                        }

                        continue;
                    }

                    if (stop == text.Length)
                    {
                        break;
                    }

                    i = stop;
                }
            }

            var entry = fast[text[i]];
            var flags = (CharFlags)((entry >> 16) & 0x3F);
            switch (flags & CharFlags.KindMask)
            {
                case CharFlags.Skip:
                    gap++;
                    if ((ushort)entry != 0)
                    {
                        ref readonly var skipped = ref _skipped[(ushort)entry];
                        Take(in skipped, ref found, ref walk);
                        seenSkipped |= skipped.Slots;
                    }

                    // A face written as text ([微笑], /斜眼笑) is one piece of interference, as an
                    // emoji is: the walk goes on after it from where it was, so that a literal it
                    // splits (加[微笑]微信) is found as the compact text has it (SkipFace).
                    if ((entry & FaceStartFlag) != 0)
                    {
                        var rest = SkipFace(text, i, state, last, seenSkipped, ref found, ref walk);
                        if (rest < 0)
                        {
                            firstEnd = first >= 0 ? first : i;
                            seen = UInt128.Zero;
                            return false;
                        }

                        i += rest;
                    }

                    continue;
                case CharFlags.Drop:
                    continue;
                case CharFlags.Special:
                    if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])
                        && CharTables.IsInterference(char.ConvertToUtf32(text[i], text[i + 1])))
                    {
                        gap++;
                        i++;
                        continue;
                    }

                    // A Latin letter that stands for a hanzi alone beside hanzi (加v信) is the letter
                    // it is right beside a character that is no hanzi (mv, KTV, v2): in every fold, so
                    // the walk reads it as that letter (the entry holds its symbol).
                    if ((flags & CharFlags.LatinVariant) != 0 && _folder.ReadsAsLetter(text, i))
                    {
                        break;
                    }

                    firstEnd = first >= 0 ? first : i;
                    seen = UInt128.Zero;
                    return false;
            }

            var symbol = (ushort)entry;
            if (gap != 0)
            {
                if (gap > MaxGap)
                {
                    state = 0;
                }

                gap = 0;
                run = 1;
            }
            else if ((symbol == last) & (symbol != 0))
            {
                if ((flags & CharFlags.Cjk) != 0)
                {
                    continue;
                }

                if (++run >= 3 && (entry & AsciiLetterFlag) != 0)
                {
                    firstEnd = first >= 0 ? first : i;
                    seen = UInt128.Zero;
                    return false;
                }
            }
            else
            {
                run = 1;
            }

            state = automaton.NextSymbol(state, symbol, last);
            last = symbol;
            if (automaton.HasOutputs(state) && TakeOutputs(Automaton.Id(state), i, seenSkipped, ref first, ref found, ref walk))
            {
                break;
            }
        }

        firstEnd = first;
        seen = found | walk.Found;
        return true;
    }

    /// <summary>
    /// At a '[' or '/' of the text (<paramref name="at"/>): how many units after it the face written
    /// as text that it starts has (the fast pass goes on after them from the state it was in), 0
    /// when it starts none, -1 when a character needs the slow path. The literals inside the face
    /// are walked on from the fast pass's <paramref name="state"/> as the walk would have read them,
    /// for the light fold, which keeps the face: into <paramref name="found"/> and
    /// <paramref name="walk"/>. No term counts there (the full pass blanks faces). Off the fast
    /// pass's loop: faces are rare, and the loop is the engine's hottest code.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private int SkipFace(string text, int at, int state, ushort previousSymbol, ulong seenSkipped, ref UInt128 found, ref Triggers.Walk walk)
    {
        var face = Text.ChatTokens.FaceLength(text, at);
        if (face == 0)
        {
            return 0;
        }

        for (var i = at + 1; i < at + face; i++)
        {
            var entry = _fast[text[i]];
            switch ((CharFlags)((entry >> 16) & 0x3F) & CharFlags.KindMask)
            {
                case CharFlags.Skip:
                    if ((ushort)entry != 0)
                    {
                        ref readonly var skipped = ref _skipped[(ushort)entry];
                        Take(in skipped, ref found, ref walk);
                        seenSkipped |= skipped.Slots;
                    }

                    continue;
                case CharFlags.Drop:
                    continue;
                case CharFlags.Special:
                    return -1;
            }

            var symbol = (ushort)entry;
            state = _automaton.NextSymbol(state, symbol, previousSymbol);
            previousSymbol = symbol;
            if (_automaton.HasOutputs(state) && (_stateKind[Automaton.Id(state)] & LiteralEnds) != 0)
            {
                TakeLiterals(Automaton.Id(state), seenSkipped, ref found, ref walk);
            }
        }

        return face - 1;
    }

    /// <summary>
    /// Whether the one walk would miss a literal the light fold sees in a character: a digit that
    /// does not fold to 0-9 (the light fold reads any digit as the digit mark), or interference that
    /// the light fold writes as a letter, digit or hanzi (①, which it writes 1). Such a character
    /// takes the slow path, where the trigger walk reads the light fold itself.
    /// </summary>
    private static bool ToTriggerWalk(uint[] table, CharFlags flags, char folded) => (flags & CharFlags.KindMask) switch
    {
        CharFlags.Keep => char.IsDigit(folded) && !char.IsAsciiDigit(folded),
        CharFlags.Skip => (CharTables.Flags(table[folded]) & CharFlags.KindMask) == CharFlags.Keep,
        _ => false,
    };

    /// <summary>
    /// The fast pass's table: the automaton symbol and fold flags of every UTF-16 unit; for
    /// interference that is a literal of its own, its index in <see cref="_skipped"/>. With
    /// <paramref name="digitsToTriggerWalk"/>, a digit that does not fold to 0-9 (the light fold
    /// reads any digit as the digit mark; the one walk knows only 0-9) takes the slow path.
    /// </summary>
    private static uint[] BuildFastTable(uint[] table, ushort[] symbols, Dictionary<char, ushort> skipIndex, bool digitsToTriggerWalk)
    {
        var fast = new uint[table.Length];
        for (var c = 0; c < table.Length; c++)
        {
            var entry = table[c];
            var flags = CharTables.Flags(entry);
            var folded = CharTables.FoldedChar(entry);
            if (digitsToTriggerWalk && ToTriggerWalk(table, flags, folded))
            {
                flags = (flags & ~CharFlags.KindMask) | CharFlags.Special;
            }

            var symbol = (flags & CharFlags.KindMask) switch
            {
                CharFlags.Keep => symbols[folded],
                CharFlags.Skip => skipIndex.GetValueOrDefault(folded),
                _ when (flags & CharFlags.LatinVariant) != 0 => symbols[folded], // read as the letter where the fast pass can tell
                _ => (ushort)0,
            };
            var letter = (flags & CharFlags.AsciiWord) != 0 && char.IsAsciiLetter(folded) ? AsciiLetterFlag : 0;
            var face = (flags & CharFlags.KindMask) == CharFlags.Skip && folded is '[' or '/' ? FaceStartFlag : 0;
            fast[c] = symbol | ((uint)flags << 16) | letter | face;
        }

        return fast;
    }

    private void Scan(FoldedText folded, string? groupId, List<Candidate> candidates, AllowSpans allows, int from, List<NearMiss>? misses)
    {
        var automaton = _automaton;
        var state = 0;
        ushort previous = 0;
        for (var j = from; j < folded.Count; j++)
        {
            // Where only regex and detector literals end, no term does: nothing to look at.
            j = ScanToTermEnd(folded, j, ref state, ref previous);
            if (j == folded.Count)
            {
                break;
            }

            foreach (var id in automaton.Outputs(state))
            {
                var start = j - automaton.PatternLength[id] + 1;
                foreach (var pattern in _entries[id])
                {
                    if (pattern.Allow)
                    {
                        // A group's own allow phrase cancels only in that group's messages.
                        if (pattern.Group is null || string.Equals(pattern.Group, groupId, StringComparison.Ordinal))
                        {
                            allows.Add(pattern.Rule, folded.Start[start], folded.End[j]);
                        }

                        continue;
                    }

                    if (!_rules[pattern.Rule].Groups.Covers(groupId))
                    {
                        misses?.Add(Miss(folded, pattern, start, j, MissReason.OtherGroup));
                        continue;
                    }

                    if (Unbounded(folded, pattern, start, j) is { } unbounded)
                    {
                        misses?.Add(Miss(folded, pattern, start, j, unbounded));
                        continue;
                    }

                    candidates.Add(new Candidate(pattern, start, j));
                }
            }
        }
    }

    /// <summary>
    /// Walks the folded text from <paramref name="j"/> to the first character where a term, pinyin
    /// form or allow phrase ends (where only regex and detector literals end, no term does), and
    /// returns it, or the folded length when there is none. <paramref name="state"/> and
    /// <paramref name="previous"/> (the symbol read last) go on from where they were.
    /// </summary>
    private int ScanToTermEnd(FoldedText folded, int j, ref int state, ref ushort previous)
    {
        var automaton = _automaton;
        var symbols = automaton.Symbols;
        var kinds = _stateKind;
        var chars = folded.Chars;
        var gaps = folded.Gap;
        var walking = state;
        var last = previous;
        var count = folded.Count;
        for (; j < count; j++)
        {
            if (gaps[j] > MaxGap)
            {
                walking = 0;
            }

            var symbol = symbols[chars[j]];
            walking = automaton.NextSymbol(walking, symbol, last);
            last = symbol;
            if (automaton.HasOutputs(walking) && (kinds[Automaton.Id(walking)] & TermEnds) != 0)
            {
                break;
            }
        }

        state = walking;
        previous = last;
        return j;
    }

    /// <summary>
    /// No term is stitched together across a clause break (傻。逼急了, 女人，都是, 新闻已死: 妈的), a
    /// face or a mention, and an ASCII end of a term must not run on into an ASCII word (av is not
    /// in have): which of the two a candidate breaks, or null when it breaks neither. Allow phrases
    /// may span a break: they only ever cancel (恶心、呕吐 is still 恶心呕吐).
    /// </summary>
    private static MissReason? Unbounded(FoldedText folded, Pattern pattern, int start, int end)
    {
        for (var k = start + 1; k <= end; k++)
        {
            if (folded.ClauseBefore[k])
            {
                return MissReason.AcrossClauseBreak;
            }
        }

        if (pattern.AsciiStart && start > 0 && folded.Gap[start] == 0 && CharTables.IsAsciiWord(folded.Chars[start - 1]))
        {
            return MissReason.InsideAsciiWord;
        }

        if (pattern.AsciiEnd && end + 1 < folded.Count && folded.Gap[end + 1] == 0 && CharTables.IsAsciiWord(folded.Chars[end + 1]))
        {
            return MissReason.InsideAsciiWord;
        }

        return null;
    }

    private void Confirm(string text, FoldedText folded, List<Candidate> candidates, AllowSpans allows, IWordSegmenter? segmenter, List<RuleHit> hits, List<NearMiss>? misses)
    {
        using var words = segmenter is null ? null : Segmentation.Over(folded, segmenter);
        var fired = t_fired ??= [];
        fired.Clear();
        var targetChecks = 0;
        foreach (var candidate in candidates)
        {
            var pattern = candidate.Pattern;
            if (fired.Contains(pattern.Rule))
            {
                continue;
            }

            var start = folded.Start[candidate.Start];
            var end = folded.End[candidate.End];
            if (allows.Covers(pattern.Rule, start, end))
            {
                misses?.Add(Miss(folded, pattern, candidate.Start, candidate.End, MissReason.Allowed));
                continue;
            }

            if (Negated(folded, candidate.Start, _precededBy[pattern.Rule]))
            {
                misses?.Add(Miss(folded, pattern, candidate.Start, candidate.End, MissReason.PrecededBy));
                continue;
            }

            if (Near(text, start, end, _near[pattern.Rule]) is { } nearPhrase)
            {
                misses?.Add(Miss(folded, pattern, candidate.Start, candidate.End, MissReason.Near, nearPhrase));
                continue;
            }

            // A candidate with no listed word or mention in reach cannot be aimed whatever the words
            // are: dropped before its word check, which may segment. It costs a look at its window
            // and no budget (快递垃圾 a megabyte long is read through to the 你垃圾 after it).
            var rule = _rules[pattern.Rule];
            var look = rule.Target is TermTarget.Any ? default : LookForTarget(folded, candidate, rule.Target, rule.TargetScope);
            if (rule.Target is not TermTarget.Any && look.Seen == TargetSeen.None)
            {
                misses?.Add(Miss(folded, pattern, candidate.Start, candidate.End, MissReason.NoTarget, TargetName(rule.Target)));
                continue;
            }

            if (words is not null && TakesHalfOfADoubledWord(folded, candidate, words))
            {
                misses?.Add(Miss(folded, pattern, candidate.Start, candidate.End, MissReason.HalfOfDoubledWord));
                continue;
            }

            if (words is not null && pattern.Word && !IsWord(folded, candidate, words))
            {
                misses?.Add(Miss(folded, pattern, candidate.Start, candidate.End, MissReason.InsideWord));
                continue;
            }

            // Past the budget a candidate with a listed word in reach is taken as aimed, as one past
            // the word-check budget is taken as a word: a megabyte of 其他垃圾 (他 inside 其他 is
            // nobody) is flagged rather than let hide 你垃圾.
            if (rule.Target is not TermTarget.Any && targetChecks++ < MaxWordChecks && look.Seen == TargetSeen.ShortWords && !ShortWordStands(folded, candidate, words, rule.Target, look))
            {
                misses?.Add(Miss(folded, pattern, candidate.Start, candidate.End, MissReason.TargetInsideWord, TargetName(rule.Target)));
                continue;
            }

            fired.Add(pattern.Rule);
            hits.Add(new RuleHit(_rules[pattern.Rule], pattern.Term, start, end - start));
        }
    }

    /// <summary>
    /// Whether the candidate starts and ends on word boundaries of its clause. Out of budget it is
    /// taken as a word (see <see cref="MaxWordChecks"/>).
    /// </summary>
    private static bool IsWord(FoldedText folded, Candidate candidate, Segmentation words)
    {
        var (from, to) = WordWindow(folded, candidate.Start, candidate.End + 1);

        // Jieba's path through the clause, where it settles both ends: from the words near the
        // candidate, else from the whole path.
        if ((Settled(words.Near(from, to, candidate.Start, candidate.End + 1)) ?? Settled(words.Sure(from, to))) is { } settled)
        {
            return settled;
        }

        var boundaries = words.Window(from, to);
        return boundaries is null || (IsBoundary(boundaries, candidate.Start - from) && IsBoundary(boundaries, candidate.End + 1 - from));

        bool? Settled(sbyte[]? states)
        {
            if (states is null)
            {
                return null;
            }

            sbyte begins = states[candidate.Start - from], ends = states[candidate.End + 1 - from];
            return begins == 0 || ends == 0 ? false : begins == 1 && ends == 1 ? true : null;
        }
    }

    /// <summary>
    /// Whether the hit was made by counting once a character written exactly twice that is a word
    /// of its own, beside characters written once: 他妈妈的 is not 他妈的 (妈妈 is a word), 你妈妈的
    /// is neither 你妈的 nor 妈的, 好个屁屁 is not 个屁. A double counts once where it is no word (的的
    /// in 他妈的的确, 职职 in 兼职职刷单), and wherever every character of the hit is repeated: a
    /// stutter that hides the term (傻傻逼逼, 兼兼职职刷刷单单). Three copies or more are emphasis
    /// and always count once (傻逼逼逼, fuuuck).
    /// </summary>
    private static bool TakesHalfOfADoubledWord(FoldedText folded, Candidate candidate, Segmentation words)
    {
        var runs = folded.Run;
        bool doubled = false, single = false;
        for (var k = candidate.Start; k <= candidate.End; k++)
        {
            doubled |= runs[k] == 2;
            single |= runs[k] == 1;
        }

        if (!doubled || !single)
        {
            return false;
        }

        for (var k = candidate.Start; k <= candidate.End; k++)
        {
            if (runs[k] == 2 && words.IsDoubledWord(folded.Chars[k]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>How far either side of a hit, at most, within its clause, a person is looked for (target: person).</summary>
    internal const int PersonRadius = 12;

    /// <summary>How far either side of a hit, at most, within its sentence, a group is looked for (target: group).</summary>
    internal const int GroupRadius = 20;

    /// <summary>How far before a group word 这个, 那个 … are looked for: a description between them ends in 的.</summary>
    private const int OnePersonReach = 16;

    /// <summary>How far either side of a hit, at most, a target is looked for with <c>target_scope: message</c>.</summary>
    public const int MessageRadius = 120;

    /// <summary>What <see cref="LookForTarget"/> saw in reach of a candidate, without the segmenter.</summary>
    private enum TargetSeen
    {
        /// <summary>Nothing the rule's <c>target</c> counts: the candidate is not aimed, whatever the words.</summary>
        None,

        /// <summary>A mention, a bare hit, or a listed word that counts wherever it stands: aimed.</summary>
        Aimed,

        /// <summary>Only listed words that count on word boundaries (<see cref="ShortWordStands"/> tells).</summary>
        ShortWords,
    }

    /// <summary>A candidate's target window [From, To) in folded offsets, and what stands in it.</summary>
    private readonly record struct TargetLook(TargetSeen Seen, int From, int To);

    /// <summary>
    /// Whether the candidate is aimed where its rule's <c>target</c> asks, as far as can be told
    /// without the segmenter. <c>person</c>: a listed word for a person or a group (你, 他, 人, 司机,
    /// 黑人 … <c>Text/Data/person-words.txt</c> and <c>group-words.txt</c>) in the candidate's clause,
    /// at most <see cref="PersonRadius"/> characters from it and outside it, a mention that begins or
    /// ends that clause (@张三 垃圾), or nothing else in the message (a bare 傻逼 answers whoever spoke
    /// before). <c>group</c>: a listed word for a people, a region's people or a sex in the
    /// candidate's sentence (a comma does not end it), at most <see cref="GroupRadius"/> characters
    /// away (黑人，好恶心; 河南人偷井盖的新闻又来了). As with match: auto, a listed word for a person of
    /// three characters or more counts wherever it stands (这个人, 那种人: Jieba may cut them 这/个人);
    /// shorter ones, and every group word, only on word boundaries (<see cref="ShortWordStands"/>).
    /// </summary>
    private TargetLook LookForTarget(FoldedText folded, Candidate candidate, TermTarget target, TargetScope scope)
    {
        var group = target == TermTarget.Group;
        var (from, to) = TargetWindow(folded, candidate, group, scope);
        int start = candidate.Start, end = candidate.End + 1;

        // A mention sets a clause break, so one that addresses this clause stands at its edge. A
        // message that is nothing but the hit (傻逼, 垃圾！) answers whoever spoke before it.
        if (!group && (folded.MentionBefore[from] || folded.MentionBefore[to] || (start == 0 && end == folded.Count)))
        {
            return new TargetLook(TargetSeen.Aimed, from, to);
        }

        var listed = group ? _groups! : _persons!;
        var anywhere = AnywhereLength(listed, group);
        var seen = TargetSeen.None;
        for (var a = from; a < to; a++)
        {
            var reach = listed.LongestFrom(folded.Chars[a]);
            for (var z = a + 1; z <= Math.Min(to, a + reach); z++)
            {
                if ((z <= start || a >= end) && listed.Contains(folded.Chars.AsSpan(a, z - a)) && !(group && NamesOnePerson(folded.Chars, from, a)))
                {
                    if (z - a >= anywhere)
                    {
                        return new TargetLook(TargetSeen.Aimed, from, to);
                    }

                    seen = TargetSeen.ShortWords;
                }
            }
        }

        return new TargetLook(seen, from, to);
    }

    /// <summary>Listed words this long or longer count wherever they stand; for groups none does.</summary>
    private static int AnywhereLength(TargetWords listed, bool group) => group ? listed.Longest + 1 : TargetWords.AnywhereLength;

    /// <summary>
    /// Whether one of the shorter listed words <see cref="LookForTarget"/> saw stands as a word.
    /// One character (你, 他, 人) must be a word of its own (他 in 其他 and 人 in 人工 are not). Two
    /// (男的, 女人, 黑人) must begin or end on a word boundary: Jieba cuts 男/的 and keeps 女人真 as one
    /// word, yet 国人 inside 中国人民 (中国/人民) still names nobody new. A group of three or more must
    /// begin and end on one (中国人 in 中国人都, not in 中国人民). Without a segmenter, or out of
    /// budget, any occurrence counts.
    /// </summary>
    private bool ShortWordStands(FoldedText folded, Candidate candidate, Segmentation? words, TermTarget target, TargetLook look)
    {
        var group = target == TermTarget.Group;
        var listed = group ? _groups! : _persons!;
        var anywhere = AnywhereLength(listed, group);
        int from = look.From, to = look.To, start = candidate.Start, end = candidate.End + 1;

        // 1: one is there; 0: none; -1: not known.
        sbyte ShortListed(Func<int, int, (sbyte Begins, sbyte Ends)> boundaries)
        {
            var unknown = false;
            for (var a = from; a < to; a++)
            {
                var reach = Math.Min(anywhere - 1, listed.LongestFrom(folded.Chars[a]));
                for (var z = a + 1; z <= Math.Min(to, a + reach); z++)
                {
                    if ((z <= start || a >= end) && listed.Contains(folded.Chars.AsSpan(a, z - a)) && !(group && NamesOnePerson(folded.Chars, from, a)))
                    {
                        var (begins, ends) = boundaries(a - from, z - from);
                        var stands = z - a == 2
                            ? (begins == 1 || ends == 1 ? 1 : begins == 0 && ends == 0 ? 0 : -1)
                            : (begins == 0 || ends == 0 ? 0 : begins == 1 && ends == 1 ? 1 : -1);
                        if (stands == 1)
                        {
                            return 1;
                        }

                        unknown |= stands < 0;
                    }
                }
            }

            return unknown ? (sbyte)-1 : (sbyte)0;
        }

        // What the segmenter knows without segmenting often settles it: from the words near each
        // listed word, else from the whole path.
        if (words is not null && ShortListed((a, z) => words.Near(from, to, from + a, from + z) is { } known ? (known[a], known[z]) : ((sbyte)-1, (sbyte)-1)) is >= 0 and var near)
        {
            return near == 1;
        }

        if (words?.Sure(from, to) is { } states && ShortListed((a, z) => (states[a], states[z])) is >= 0 and var settled)
        {
            return settled == 1;
        }

        // Without a segmenter, or past the budget, any occurrence counts.
        var boundaries = words?.Window(from, to);
        if (boundaries is null)
        {
            return true;
        }

        return ShortListed((a, z) => (IsBoundary(boundaries, a) ? (sbyte)1 : (sbyte)0, IsBoundary(boundaries, z) ? (sbyte)1 : (sbyte)0)) == 1;
    }

    /// <summary>Where a target of the candidate is looked for: its clause or sentence (or the message), within the radius.</summary>
    private static (int From, int To) TargetWindow(FoldedText folded, Candidate candidate, bool group, TargetScope scope)
    {
        var stops = scope switch
        {
            TargetScope.Clause => folded.ClauseBefore,
            TargetScope.Sentence => folded.SentenceBefore,
            _ => null,
        };
        var radius = scope == TargetScope.Message ? MessageRadius : group ? GroupRadius : PersonRadius;
        int start = candidate.Start, end = candidate.End + 1;
        var from = start;
        var floor = Math.Max(0, start - radius);
        while (from > floor && stops?[from] != true)
        {
            from--;
        }

        var to = end;
        var ceiling = Math.Min(folded.Count, end + radius);
        while (to < ceiling && stops?[to] != true)
        {
            to++;
        }

        return (from, to);
    }

    /// <summary>
    /// Whether the group word at <paramref name="at"/> names one person rather than a group: it
    /// follows 这个, 那个, 一个, 有个, 某位 … directly (有一个男的) or after a description that ends in
    /// 的 (那个坐在前台的女的), within its window. 这种男人 and 这些女人 still name a group.
    /// </summary>
    private static bool NamesOnePerson(char[] chars, int from, int at)
    {
        for (var p = at - 2; p >= Math.Max(from, at - OnePersonReach); p--)
        {
            if ("这那一某有该".Contains(chars[p]) && "个位名".Contains(chars[p + 1]) && (p + 2 == at || chars[at - 1] == '的'))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Listed words that name a person or a group (<c>Text/Data/*-words.txt</c>), folded by a rule set's folder.</summary>
    private sealed class TargetWords
    {
        /// <summary>Listed words this long or longer count wherever they stand, shorter ones only on word boundaries.</summary>
        public const int AnywhereLength = 3;

        private static readonly Lazy<string[]> Persons = new(() => TextData.Lines("person-words.txt"));
        private static readonly Lazy<string[]> Groups = new(() => TextData.Lines("group-words.txt"));

        private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _words;

        // Per first character, the length of the longest listed word that starts with it (0: none;
        // byte.MaxValue: that long or longer, read as Longest), so that a window's scan hashes only
        // the spans that could be listed. Bytes keep it under the large-object heap's threshold: a
        // rule reload builds it again. The same per last character, for a word ending at a place.
        private readonly byte[] _longestFrom = new byte[char.MaxValue + 1];
        private readonly byte[] _longestTo = new byte[char.MaxValue + 1];

        private TargetWords(TextFolder folder, IEnumerable<string> listed)
        {
            var words = listed.Select(folder.FoldToString).Where(w => w.Length > 0).ToHashSet(StringComparer.Ordinal);
            _words = words.GetAlternateLookup<ReadOnlySpan<char>>();
            Longest = words.Max(w => w.Length);
            foreach (var word in words)
            {
                _longestFrom[word[0]] = (byte)Math.Max(_longestFrom[word[0]], Math.Min(word.Length, byte.MaxValue));
                _longestTo[word[^1]] = (byte)Math.Max(_longestTo[word[^1]], Math.Min(word.Length, byte.MaxValue));
            }
        }

        public int Longest { get; }

        /// <summary>The length of the longest listed word that starts with <paramref name="first"/>; 0 when none does.</summary>
        public int LongestFrom(char first) => _longestFrom[first] is var length && length == byte.MaxValue ? Longest : length;

        /// <summary>Words for a person: people in general, roles and pronouns, and every group.</summary>
        public static TargetWords ForPersons(TextFolder folder) => new(folder, Persons.Value.Concat(Groups.Value));

        /// <summary>Words for a people, a region's people or a sex.</summary>
        public static TargetWords ForGroups(TextFolder folder) => new(folder, Groups.Value);

        /// <summary>Whether <paramref name="word"/> is listed; hashed only where a listed word as long ends with its last character (most spans: none).</summary>
        public bool Contains(ReadOnlySpan<char> word) =>
            word.Length > 0 && word.Length <= (_longestTo[word[^1]] is var length && length == byte.MaxValue ? Longest : length) && _words.Contains(word);
    }

    /// <summary>
    /// What the segmenter said about one message: the clause window it segmented last (checks of
    /// candidates in one clause share it), and which doubled characters are words. Every call to
    /// the segmenter counts against <see cref="MaxWordChecks"/>.
    /// </summary>
    private sealed class Segmentation : IDisposable
    {
        // One per thread, made ready for each message (Over) and cleared when it is done (Dispose).
        [ThreadStatic]
        private static Segmentation? t_spare;

        // Set for each message by Over, and back to these values by Forget.
        private FoldedText _folded = null!;
        private IWordSegmenter _segmenter = null!;
        private IReadOnlyList<int>? _boundaries;
        private int _from;
        private int _to;
        private Dictionary<char, bool>? _doubles;
        private int _checks;
        private sbyte[]? _sure;
        private int _sureFrom;
        private int _sureTo;
        private int _routes;
        private sbyte[]? _near;
        private int _nearFrom;
        private int _nearTo;
        private IWordPaths? _paths;
        private bool _pathsAsked;

        private Segmentation() => Forget();

        /// <summary>
        /// The word boundaries of the folded range [from, to), offsets from <paramref name="from"/>,
        /// or null out of budget. Word checks segment only the clause around a candidate (at most
        /// <see cref="WordRadius"/> characters each side), not the whole message: Jieba costs about
        /// 1 µs a character.
        /// </summary>
        public IReadOnlyList<int>? Window(int from, int to)
        {
            if (_boundaries is not null && (from, to) == (_from, _to))
            {
                return _boundaries;
            }

            if (_checks >= MaxWordChecks)
            {
                return null;
            }

            _checks++;
            _boundaries = _segmenter.Boundaries(new string(_folded.Chars, from, to - from));
            (_from, _to) = (from, to);
            return _boundaries;
        }

        /// <summary>
        /// What the segmenter knows, without segmenting, of each offset of the folded range [from,
        /// to) (see <see cref="IWordSegmenter.SureBoundaries"/>), or null when it knows nothing or
        /// past <see cref="MaxRouteChecks"/> (a megabyte of near misses must not read a path per candidate).
        /// </summary>
        public sbyte[]? Sure(int from, int to)
        {
            if ((from, to) == (_sureFrom, _sureTo))
            {
                return _sure;
            }

            if (_routes >= MaxRouteChecks)
            {
                return null;
            }

            _routes++;
            var states = new sbyte[to - from + 1];
            _sure = (Paths is { } paths ? paths.SureBoundaries(from, to, states) : _segmenter.SureBoundaries(_folded.Chars.AsSpan(from, to - from), states)) ? states : null;
            (_sureFrom, _sureTo) = (from, to);
            return _sure;
        }

        /// <summary>
        /// What the path through the folded range [from, to) surely says at the offsets around
        /// [<paramref name="lo"/>, <paramref name="hi"/>), known from the words near them alone
        /// (<see cref="IWordPaths.SureNear"/>): per offset from <paramref name="from"/>, 1, 0 or -1
        /// (not known), gathered over the calls for one range; null past <see cref="MaxRouteChecks"/>
        /// or without a reader. Read at once: the next range reuses the array.
        /// </summary>
        public sbyte[]? Near(int from, int to, int lo, int hi)
        {
            if (_sure is not null && (from, to) == (_sureFrom, _sureTo))
            {
                return _sure;
            }

            if (_near is null || (from, to) != (_nearFrom, _nearTo))
            {
                // The thread's array, kept from message to message.
                _near = t_near is { } kept && kept.Length > to - from ? kept : t_near = new sbyte[Math.Max(to - from + 1, 64)];
                _near.AsSpan(0, to - from + 1).Fill(-1);
                (_nearFrom, _nearTo) = (from, to);
            }

            if (_near[lo - from] >= 0 && _near[hi - from] >= 0)
            {
                return _near;
            }

            if (_routes >= MaxRouteChecks || Paths is not { } paths)
            {
                return null;
            }

            _routes++;
            paths.SureNear(from, to, lo, hi, _near.AsSpan(0, to - from + 1));
            return _near;
        }

        [ThreadStatic]
        private static sbyte[]? t_near;

        /// <summary>What the segmenter says about <paramref name="folded"/>, asked as the checks need it.</summary>
        public static Segmentation Over(FoldedText folded, IWordSegmenter segmenter)
        {
            var words = t_spare ?? new Segmentation();
            t_spare = null;
            words._folded = folded;
            words._segmenter = segmenter;
            return words;
        }

        /// <summary>
        /// Gives the reader of the message's paths back to the segmenter, for the next message, and
        /// this, forgetting the message, to the thread.
        /// </summary>
        public void Dispose()
        {
            _paths?.Dispose();
            Forget();
            t_spare = this;
        }

        /// <summary>Nothing known of any message: no windows read (-1: none), nothing counted.</summary>
        private void Forget()
        {
            _paths = null;
            _pathsAsked = false;
            _boundaries = null;
            (_from, _to) = (-1, -1);
            _doubles?.Clear();
            _checks = 0;
            _sure = null;
            (_sureFrom, _sureTo) = (-1, -1);
            _routes = 0;
            _near = null;
            (_nearFrom, _nearTo) = (-1, -1);
            _folded = null!;
            _segmenter = null!;
        }

        /// <summary>
        /// The segmenter's reader of the message's paths, asked for once: the word and target checks
        /// of one message read overlapping windows, and it looks each position's words up only once.
        /// </summary>
        private IWordPaths? Paths
        {
            get
            {
                if (!_pathsAsked)
                {
                    _pathsAsked = true;
                    _paths = _segmenter.PathsOver(_folded.Chars, _folded.Count);
                }

                return _paths;
            }
        }

        /// <summary>Whether <paramref name="c"/> written twice is one word (妈妈, 屁屁); out of budget, not.</summary>
        public bool IsDoubledWord(char c)
        {
            _doubles ??= [];
            if (_doubles.TryGetValue(c, out var known))
            {
                return known;
            }

            if (_checks >= MaxWordChecks)
            {
                return false;
            }

            _checks++;
            var word = _segmenter.Boundaries(new string(c, 2)).Count == 2;
            _doubles[c] = word;
            return word;
        }
    }

    /// <summary>
    /// Regex rules on the lighter fold (<paramref name="light"/>, or made here when the first rule
    /// runs: most messages run none), each only where the literals it needs were
    /// <paramref name="seen"/>. Every pattern is NonBacktracking (the loader refuses the rest), so
    /// a match takes time linear in the message and cannot time out.
    /// </summary>
    private void MatchRegexes(string text, LightText? light, UInt128 seen, string? groupId, AllowSpans allows, List<RuleHit> hits, List<NearMiss>? misses)
    {
        // The light fold without the interference inside and between words, made at the first
        // regex that does not match the light fold itself; null when there is none to leave out.
        LightText? compact = null;
        var compacted = false;

        // What each of the two texts holds of the literals (seen is what either may hold): a regex
        // runs on a text only where that text holds every literal it needs, read once per text.
        UInt128? lightHolds = null, compactHolds = null;
        for (var k = 0; k < _regexRules.Length; k++)
        {
            var r = _regexRules[k];
            var rule = _rules[r];
            var need = _regexNeeds[k];
            if ((seen & need) != need || !rule.Groups.Covers(groupId))
            {
                continue;
            }

            light ??= _folder.FoldLight(text);
            lightHolds ??= Holds(light);
            if (((lightHolds & need) == need && FirstRegexHit(text, r, light, allows, hits, misses)) || rule.Interference == Interference.Keep)
            {
                continue;
            }

            // 出❤售冰❤毒 and 加 微 信 are words with something put inside: read again without it,
            // as terms are read. What the pattern itself needs of punctuation (：, ://, \s) it found
            // in the light fold, where all of it is.
            if (!compacted)
            {
                compact = _folder.Compact(light);
                compacted = true;
            }

            if (compact is null)
            {
                continue;
            }

            compactHolds ??= Holds(compact);
            if ((compactHolds & need) == need)
            {
                FirstRegexHit(text, r, compact, allows, hits, misses);
            }
        }
    }

    /// <summary>The trigger bits whose literals <paramref name="view"/> holds (every bit without triggers).</summary>
    private UInt128 Holds(LightText view) => _triggers is null ? UInt128.MaxValue : _triggers.Find(view.Text, _triggers.All);

    /// <summary>
    /// Adds the first match of rule <paramref name="r"/>'s regex in <paramref name="view"/> that no
    /// allow phrase covers, spanning the original text its characters came from; true when it did.
    /// </summary>
    private bool FirstRegexHit(string text, int r, LightText view, AllowSpans allows, List<RuleHit> hits, List<NearMiss>? misses)
    {
        var rule = _rules[r];
        var coveredUntil = -1;

        // The message's links, read at the first match that needs them (allow_domains).
        LinkHosts.Links? links = null;

        // A cancelled match may reach over an offer of its own (禁止发刷单广告，我这个不是刷单，日结300，
        // 加我微信: the warning word covers the first 刷单 only), so the next is looked for from just
        // after where it began, not from its end. Each look starts further on and ends at the next
        // match, and each cancel needs a warning word, a phrase or an allow phrase of its own (the
        // phrases within MaxNearChecks), so a message costs about its length times a match's.
        for (var from = 0; NextMatch(rule.Regex!, view.Text, from) is (var index, var length); from = index + 1)
        {
            var start = view.Map[index];
            var end = view.End[index + length - 1];
            var reason = start < coveredUntil ? (MissReason.PrecededBy, null) : Cancelled(text, r, start, end, allows) ?? AllowedLink(text, rule, start, end, ref links);
            if (reason is not { } cancelled)
            {
                hits.Add(new RuleHit(rule, text[start..end], start, end - start));
                return true;
            }

            misses?.Add(new NearMiss(rule, text[start..end], start, end - start, cancelled.Reason, cancelled.Detail));

            // A warning word right before a match covers the words it begins with, up to the
            // first clause break in it (不准发导师带单、… covers 带单 as well as 导师带单).
            if (cancelled.Reason == MissReason.PrecededBy && start >= coveredUntil)
            {
                coveredUntil = start;
                while (coveredUntil < end && !EndsClause(text[coveredUntil]))
                {
                    coveredUntil++;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// Why a regex match at [start, end) of the original text does not count for its rule's
    /// <c>allow_domains</c>, or null: each link it takes in has its host on the list and no link
    /// off the list stands in its sentence (红包领取 jd.com/a 和 evil.top/b counts); the detail, the
    /// first allowed link as written. <paramref name="links"/>: the message's links once read.
    /// </summary>
    private (MissReason Reason, string? Detail)? AllowedLink(string text, Rule rule, int start, int end, ref LinkHosts.Links? links)
    {
        if (rule.AllowedLinks is not { } hosts)
        {
            return null;
        }

        links ??= hosts.Read(text);
        var (from, to) = Around(text, start, end);
        return links.AllowedWithin(start, end, from, to) is { } link ? (MissReason.AllowedDomain, link) : null;
    }

    /// <summary>The first match of <paramref name="regex"/> in <paramref name="text"/> from <paramref name="from"/> on that is not empty, or null.</summary>
    private static (int Index, int Length)? NextMatch(System.Text.RegularExpressions.Regex regex, ReadOnlySpan<char> text, int from)
    {
        foreach (var m in regex.EnumerateMatches(text, from))
        {
            if (m.Length > 0)
            {
                return (m.Index, m.Length);
            }
        }

        return null;
    }

    private void MatchDetectors(string text, UInt128 seen, string? groupId, AllowSpans allows, List<RuleHit> hits, TextOrigin origin, List<NearMiss>? misses)
    {
        var matches = t_matches ??= [];
        for (var k = 0; k < _detectorRules.Length; k++)
        {
            var r = _detectorRules[k];
            var rule = _rules[r];
            var parts = _partNeeds[k] is { } partNeeds ? PartsMet(partNeeds, seen) : ulong.MaxValue;
            if (parts == 0 || !rule.Groups.Covers(groupId) || (rule.Detector!.PayloadOnly && origin != TextOrigin.QrCode))
            {
                continue;
            }

            matches.Clear();
            rule.Detector!.Find(text, matches, parts);
            foreach (var match in matches)
            {
                if (Cancelled(text, r, match.Start, match.Start + match.Length, allows) is not { } reason)
                {
                    hits.Add(new RuleHit(rule, match.Value, match.Start, match.Length));
                    break;
                }

                misses?.Add(new NearMiss(rule, match.Value, match.Start, match.Length, reason.Reason, reason.Detail));
            }
        }
    }

    /// <summary>A near miss of the term candidate at folded [start, end], in the original text's offsets.</summary>
    private NearMiss Miss(FoldedText folded, Pattern pattern, int start, int end, MissReason reason, string? detail = null)
    {
        var from = folded.Start[start];
        return new NearMiss(_rules[pattern.Rule], pattern.Term, from, folded.End[end] - from, reason, detail);
    }

    private static string TargetName(TermTarget target) => target == TermTarget.Group ? "group" : "person";

    /// <summary>
    /// The near misses worth telling: none of a rule that fired, one where a rule's misses overlap
    /// for the same reason (真垃圾 and 垃圾), at most <see cref="MaxMisses"/>; an allowed one with the
    /// allowed text as written.
    /// </summary>
    private void KeepTrueMisses(string text, List<RuleHit> hits, AllowSpans allows, List<NearMiss> misses)
    {
        var kept = new List<NearMiss>();
        foreach (var miss in misses)
        {
            if (kept.Count == MaxMisses
                || hits.Any(h => h.Rule == miss.Rule)
                || kept.Any(k => k.Rule == miss.Rule && k.Reason == miss.Reason && k.Start < miss.Start + miss.Length && miss.Start < k.Start + k.Length))
            {
                continue;
            }

            kept.Add(miss.Reason == MissReason.Allowed && allows.Cover(Array.IndexOf(_rules, miss.Rule), miss.Start, miss.Start + miss.Length) is { } cover
                ? miss with { Detail = text[cover.Start..cover.End] }
                : miss);
        }

        misses.Clear();
        misses.AddRange(kept);
    }

    /// <summary>Near misses told per message, at most.</summary>
    public const int MaxMisses = 50;

    /// <summary>How far either side of a candidate the word check looks, at most, in folded characters.</summary>
    internal const int WordRadius = 24;

    /// <summary>
    /// Word checks per message, at most. Each segments up to 2·<see cref="WordRadius"/> characters,
    /// so a megabyte of near misses (漂白粉 for 白粉, over and over) would hold the moderation worker
    /// for seconds; 256 is a few milliseconds of Jieba. Only failed checks use it up (a rule stops
    /// at its first hit, an allowed or negated candidate needs no check), and no message of the
    /// fixtures comes near. Past it a word-mode candidate is taken as a word, as without a
    /// segmenter: a flood of near misses is flagged rather than let hide the real term behind it.
    /// </summary>
    internal const int MaxWordChecks = 256;

    /// <summary>
    /// Paths read per message without segmenting (<see cref="IWordSegmenter.SureBoundaries"/>), at
    /// most: each is a few microseconds for a clause; past this the checks go to the segmenter and
    /// its own budget.
    /// </summary>
    internal const int MaxRouteChecks = 1024;

    /// <summary>
    /// The folded range segmented to check the candidate [start, end): its clause (clause breaks
    /// are where Jieba would split the original text too), cut to <see cref="WordRadius"/> each side.
    /// </summary>
    private static (int From, int To) WordWindow(FoldedText folded, int start, int end)
    {
        var from = start;
        var floor = Math.Max(0, start - WordRadius);
        while (from > floor && !folded.ClauseBefore[from])
        {
            from--;
        }

        var to = end;
        var ceiling = Math.Min(folded.Count, end + WordRadius);
        while (to < ceiling && !folded.ClauseBefore[to])
        {
            to++;
        }

        return (from, to);
    }

    /// <summary>
    /// One of <paramref name="words"/> ends right before the folded position <paramref name="start"/>,
    /// with no clause break between; or one of two characters or more ends right before a word for
    /// a people, a region's people or a sex (<c>Text/Data/group-words.txt</c>) that itself ends
    /// right before it: what is denied or only repeated is then the group's act (都说河南人偷井盖,
    /// 反对白人歧视黑人), as with 不偷井盖. Not one character there: 不 before a group word is more
    /// often an idiom (不男不女的恶心样子) than a denial.
    /// </summary>
    private bool Negated(FoldedText folded, int start, string[] words)
    {
        if (words.Length == 0)
        {
            return false;
        }

        if (NegatedAt(folded, start, words))
        {
            return true;
        }

        for (var length = Math.Min(_negationGroups.Longest, start); length >= 2; length--)
        {
            var from = start - length;
            if (_negationGroups.Contains(folded.Chars.AsSpan(from, length)) && !ClauseWithin(folded, from + 1, start + 1) && NegatedAt(folded, from, words, minLength: 2))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Why a regex or detector match of rule <paramref name="r"/> at [start, end) of the original
    /// text does not count, or null when it does: an allow phrase covers it, a word of the rule's
    /// <c>unless_preceded_by</c> stands right before it, or a phrase of its <c>unless_near</c> in
    /// its sentence (the detail).
    /// </summary>
    private (MissReason Reason, string? Detail)? Cancelled(string text, int r, int start, int end, AllowSpans allows)
    {
        if (allows.Covers(r, start, end))
        {
            return (MissReason.Allowed, null);
        }

        if (PrecededInText(text, start, _precededBy[r]))
        {
            return (MissReason.PrecededBy, null);
        }

        return Near(text, start, end, _near[r]) is { } phrase ? (MissReason.Near, phrase) : null;
    }

    /// <summary>
    /// Whether <paramref name="c"/>, as written, ends a clause as the fold reads it (the breaks a
    /// term never spans): ，、：。！？； and a line break, and their other forms (﹐ ﹑ ︰ ﹗ ﹖, a line or
    /// paragraph separator), so the walks over the text as written stop where the folded text's do.
    /// </summary>
    private bool EndsClause(char c) => (CharTables.Flags(_folder.Table[c]) & CharFlags.Clause) != 0;

    /// <summary>Whether <paramref name="c"/>, as written, ends a sentence as the fold reads it (。！？；, a line break and their other forms).</summary>
    private bool EndsSentence(char c) => (CharTables.Flags(_folder.Table[c]) & CharFlags.Sentence) != 0;

    /// <summary>How far before a regex or detector match its <c>unless_preceded_by</c> words are read, in characters as written.</summary>
    internal const int PrecedingReach = 24;

    /// <summary>
    /// Whether one of <paramref name="words"/> (folded) ends right before <paramref name="start"/>
    /// in the original text, in the same clause: the text before it, back to the clause's start
    /// and at most <see cref="PrecedingReach"/> characters, folded as terms are, so spaces, quotes and
    /// brackets between (警惕 “刷单…”) do not count. A match that is a later item of a list joined
    /// by 、 counts as preceded when the list's first item is (严禁发布网赌、百家乐、加拿大28上分:
    /// the word before the list covers each item), for at most <see cref="MaxListItems"/> items of
    /// at most <see cref="MaxListItem"/> characters; one inside a quotation when the quotation is.
    /// </summary>
    private bool PrecededInText(string text, int start, string[] words)
    {
        if (words.Length == 0)
        {
            return false;
        }

        // A match that takes the break before its words ([^暑寒…]假 takes the 、 of 高仿身份证、假毕业证)
        // is read from after it.
        while (start + 1 < text.Length && EndsClause(text[start]) && !EndsSentence(text[start]))
        {
            start++;
        }

        // Inside a quotation the word before the quotation counts (不许发“无抵押秒批，加微信”).
        return PrecededOrListed(text, start, words) || (QuotationOpening(text, start) is var quote and >= 0 && PrecededOrListed(text, quote, words));
    }

    /// <summary>
    /// Where the quotation <paramref name="start"/> stands in opens (“, 「 or 『 with no closing mark
    /// between, in its sentence, within twice <see cref="PrecedingReach"/>), or -1.
    /// </summary>
    private int QuotationOpening(string text, int start)
    {
        for (var j = start - 1; j >= 0 && start - j <= 2 * PrecedingReach; j--)
        {
            switch (text[j])
            {
                case '“' or '「' or '『':
                    return j;
                case '”' or '」' or '』':
                    return -1;
                case var c when EndsSentence(c):
                    return -1;
            }
        }

        return -1;
    }

    private bool PrecededOrListed(string text, int start, string[] words)
    {
        for (var item = 0; item <= MaxListItems; item++)
        {
            var from = start;
            while (from > 0 && start - from < PrecedingReach && !EndsClause(text[from - 1]))
            {
                from--;
            }

            if (from < start)
            {
                var before = _folder.FoldToString(text[from..start]);
                foreach (var word in words)
                {
                    // Right before the match; or, before a list's later item, right before the
                    // first item, which is what is left of the clause after the word.
                    if (item == 0 ? before.EndsWith(word, StringComparison.Ordinal)
                            : before.LastIndexOf(word, StringComparison.Ordinal) is var at and >= 0 && before.Length - at - word.Length is > 0 and <= MaxListItem)
                    {
                        return true;
                    }
                }
            }

            if (from == 0 || CharTables.FoldedChar(_folder.Table[text[from - 1]]) != '、')
            {
                return false;
            }

            start = from - 1;
        }

        return false;
    }

    /// <summary>How many items of a 、 list before a match are read back for an <c>unless_preceded_by</c> word before the list.</summary>
    internal const int MaxListItems = 8;

    /// <summary>The longest list item, folded, that an <c>unless_preceded_by</c> word before the list is taken to cover.</summary>
    internal const int MaxListItem = 12;

    /// <summary>How far either side of a hit its <c>unless_near</c> phrases are looked for, within its sentence, in characters as written.</summary>
    internal const int NearReach = 120;

    /// <summary>
    /// <c>unless_near</c> checks per message, at most. Each folds up to a sentence of 240
    /// characters and more, so a message of 64K characters made of offers that each name a
    /// phrase would cost tens of milliseconds; past this a hit counts, as one past
    /// <see cref="MaxWordChecks"/> is taken as a word. No notice quotes 256 offers.
    /// </summary>
    internal const int MaxNearChecks = 256;

    /// <summary>
    /// The negations that keep an <c>unless_near</c> phrase from counting when they stand right
    /// before it: an advert says it is 不是骗局, 非诈骗, 绝不是骗子, 没有任何套路, 拒绝诈骗, where a notice
    /// says 都是骗局.
    /// </summary>
    internal static readonly string[] NearNegations =
        ["不", "不是", "不算", "不属于", "不涉及", "不存在", "不会", "不会被", "不被", "非", "并非", "绝非", "决非", "没", "没有", "无", "毫无", "任何", "拒绝", "杜绝", "谢绝"];

    /// <summary>
    /// The first of <paramref name="phrases"/> (folded) in the sentence of the hit at [start, end)
    /// of the original text (from the sentence break before it to the one after it, at most
    /// <see cref="NearReach"/> characters either side), with no negation right before it; null
    /// when there is none, or past <see cref="MaxNearChecks"/> in this message.
    /// </summary>
    private string? Near(string text, int start, int end, string[] phrases)
    {
        if (phrases.Length == 0 || t_nearChecks++ >= MaxNearChecks)
        {
            return null;
        }

        var (from, to) = Around(text, start, end);
        var sentence = _folder.FoldToString(text[from..to]);
        foreach (var phrase in phrases)
        {
            for (var at = sentence.IndexOf(phrase, StringComparison.Ordinal); at >= 0; at = sentence.IndexOf(phrase, at + 1, StringComparison.Ordinal))
            {
                if (!NegatedNear(sentence, at))
                {
                    return phrase;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The text around [<paramref name="start"/>, <paramref name="end"/>) that <c>unless_near</c>
    /// and <c>allow_domains</c> read: its sentence, at most <see cref="NearReach"/> characters either side.
    /// </summary>
    private (int From, int To) Around(string text, int start, int end)
    {
        var from = start;
        while (from > 0 && start - from < NearReach && !EndsSentence(text[from - 1]))
        {
            from--;
        }

        var to = end;
        while (to < text.Length && to - end < NearReach && !EndsSentence(text[to]))
        {
            to++;
        }

        return (from, to);
    }

    private bool NegatedNear(string sentence, int at)
    {
        var before = sentence.AsSpan(0, at);
        foreach (var negation in _nearNegations)
        {
            if (before.EndsWith(negation, StringComparison.Ordinal))
            {
                return true;
            }
        }

        // Said of the others, the verdict is an advert running its rivals down (其他人都是骗子, 别的导师
        // 都是骗人的), where a notice says it of the offer it quotes (凡是刷单都是诈骗).
        var near = before[Math.Max(0, before.Length - RivalReach)..];
        foreach (var rival in _nearRivals)
        {
            if (near.Contains(rival, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>How far before an <c>unless_near</c> phrase a word for the others (<see cref="NearRivals"/>) is looked for, in folded characters.</summary>
    internal const int RivalReach = 6;

    /// <summary>
    /// Words for the others: an <c>unless_near</c> phrase with one of them in the
    /// <see cref="RivalReach"/> characters before it does not count (其他人都是骗子, 别的导师都是骗人的,
    /// 其他家都是骗定金的: adverts say so of their rivals).
    /// </summary>
    internal static readonly string[] NearRivals = ["其他", "其它", "别的", "别家", "别人家", "外面的"];

    private static bool NegatedAt(FoldedText folded, int start, string[] words, int minLength = 1)
    {
        if (folded.ClauseBefore[start])
        {
            return false;
        }

        var before = folded.Text[..start];
        foreach (var word in words)
        {
            if (word.Length >= minLength && before.EndsWith(word, StringComparison.Ordinal) && !ClauseWithin(folded, start - word.Length + 1, start))
            {
                return true;
            }
        }

        return false;
    }

    private static bool ClauseWithin(FoldedText folded, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            if (folded.ClauseBefore[i])
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsBoundary(IReadOnlyList<int> boundaries, int offset)
    {
        int lo = 0, hi = boundaries.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var value = boundaries[mid];
            if (value == offset)
            {
                return true;
            }

            if (value < offset)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return false;
    }

    /// <summary>One way a pattern can fire: a rule's term (or a pinyin form of it), or an allow phrase.</summary>
    /// <param name="Group">For an allow phrase of a group's own list, that group; null for every group.</param>
    private sealed record Pattern(int Rule, string Term, bool Allow, bool Word, bool AsciiStart, bool AsciiEnd, string? Group = null)
    {
        public static Pattern ForTerm(int rule, string term, string form, bool word) =>
            new(rule, term, false, word, CharTables.IsAsciiWord(form[0]), CharTables.IsAsciiWord(form[^1]));

        /// <summary>
        /// An allow phrase: of one rule (<c>unless</c>), or of every rule (rule -1, <c>allow.txt</c>),
        /// in every group or only in <paramref name="group"/> (<c>allow-&lt;group&gt;.txt</c>).
        /// </summary>
        public static Pattern ForAllow(int rule, string? group = null) => new(rule, "", true, false, false, false, group);
    }

    private readonly record struct Candidate(Pattern Pattern, int Start, int End);
}
