namespace GroupGuard.Core.Detection;

/// <summary>
/// The literals that regex and detector rules need before they can match, found in one walk of
/// the lightly folded message by one automaton. Each distinct <see cref="LiteralSet"/> gets a bit
/// (up to 64; sets past that are not tracked and so never stop their rule from running); a rule
/// runs only when every bit it needs was seen. Immutable and thread-safe.
/// </summary>
internal sealed class Triggers
{
    private readonly Automaton _automaton;
    private readonly ulong[] _bitsOfPattern;

    // Strings of parts joined by RequiredLiterals.And: per pattern, the combinations it is part of
    // (indexes into _combos); a combination gives its bit once every one of its parts was seen.
    private readonly int[][] _combosOfPattern;
    private readonly (int[] Parts, ulong Bit)[] _combos;

    private Triggers(Automaton automaton, ulong[] bitsOfPattern, int[][] combosOfPattern, (int[] Parts, ulong Bit)[] combos, ulong[] needs)
    {
        _automaton = automaton;
        _bitsOfPattern = bitsOfPattern;
        _combosOfPattern = combosOfPattern;
        _combos = combos;
        Needs = needs;
        All = needs.Aggregate(0UL, (a, b) => a | b);
    }

    /// <summary>Per rule given to <see cref="Build"/>: the bits it needs (0: it always runs).</summary>
    public IReadOnlyList<ulong> Needs { get; }

    /// <summary>Every bit some rule needs.</summary>
    public ulong All { get; }

    /// <summary>
    /// The triggers of <paramref name="perRule"/> (each rule's sets, in light-fold space), or null
    /// when no rule needs anything and every one always runs.
    /// </summary>
    public static Triggers? Build(IReadOnlyList<IReadOnlyList<LiteralSet>> perRule)
    {
        var bitOfKey = new Dictionary<string, int>(StringComparer.Ordinal);
        var sets = new List<LiteralSet>();
        var needs = new ulong[perRule.Count];
        for (var r = 0; r < perRule.Count; r++)
        {
            foreach (var set in perRule[r])
            {
                if (set.Strings.Count == 0 || set.Strings.Any(s => s.Length == 0))
                {
                    continue; // requires nothing
                }

                if (!bitOfKey.TryGetValue(set.Key, out var bit))
                {
                    if (sets.Count == 64)
                    {
                        continue;
                    }

                    bit = sets.Count;
                    bitOfKey[set.Key] = bit;
                    sets.Add(set);
                }

                needs[r] |= 1UL << bit;
            }
        }

        if (sets.Count == 0)
        {
            return null;
        }

        var patterns = new List<string>();
        var bits = new List<ulong>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var combos = new List<(int[] Parts, ulong Bit)>();
        int Pattern(string s)
        {
            if (!index.TryGetValue(s, out var id))
            {
                id = patterns.Count;
                index[s] = id;
                patterns.Add(s);
                bits.Add(0);
            }

            return id;
        }

        for (var bit = 0; bit < sets.Count; bit++)
        {
            foreach (var s in sets[bit].Strings)
            {
                var parts = s.Split(RequiredLiterals.And, StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToArray();
                if (parts.Length == 1)
                {
                    bits[Pattern(parts[0])] |= 1UL << bit;
                }
                else if (parts.Length > 1)
                {
                    combos.Add(([.. parts.Select(Pattern)], 1UL << bit));
                }
            }
        }

        var combosOf = new List<int>[patterns.Count];
        for (var c = 0; c < combos.Count; c++)
        {
            foreach (var part in combos[c].Parts)
            {
                (combosOf[part] ??= []).Add(c);
            }
        }

        return new Triggers(Automaton.Build(patterns, digitsAs: RequiredLiterals.DigitMark), [.. bits], [.. combosOf.Select(l => l?.ToArray() ?? [])], [.. combos], needs);
    }

    /// <summary>
    /// The bits whose literals occur in <paramref name="light"/> (the message after
    /// <see cref="Text.TextFolder.FoldLight"/>), its digits read as <see cref="RequiredLiterals.DigitMark"/>;
    /// stops early once every bit of <paramref name="wanted"/> is seen.
    /// </summary>
    public ulong Find(ReadOnlySpan<char> light, ulong wanted)
    {
        var walk = new Walk(this);
        foreach (var c in light)
        {
            if (walk.Step(_automaton.Symbols[c], wanted))
            {
                break;
            }
        }

        return walk.Found;
    }

    /// <summary>
    /// A table for <see cref="TryFindInRaw"/>: for each UTF-16 unit, the automaton symbol of what
    /// the light fold writes for it (<paramref name="foldTable"/>, <see cref="Text.TextFolder.Table"/>):
    /// its one folded character, <see cref="Dropped"/> when it writes nothing, or
    /// <see cref="NeedsLightFold"/> when only the light fold itself can tell (emoji, rare letters).
    /// </summary>
    public ushort[] RawSymbols(uint[] foldTable)
    {
        var symbols = new ushort[foldTable.Length];
        for (var c = 0; c < foldTable.Length; c++)
        {
            var entry = foldTable[c];
            var flags = Text.CharTables.Flags(entry);

            // The automaton gives out at most 65,534 symbols: a character of the last one would take
            // the light fold, which is still right.
            symbols[c] = (flags & Text.CharFlags.KindMask) switch
            {
                Text.CharFlags.Keep or Text.CharFlags.Skip => _automaton.Symbols[Text.CharTables.FoldedChar(entry)],
                Text.CharFlags.Drop => Dropped,
                _ when (flags & Text.CharFlags.LatinVariant) != 0 => _automaton.Symbols[Text.CharTables.FoldedChar(entry)],
                _ => NeedsLightFold,
            };
        }

        return symbols;
    }

    /// <summary>In <see cref="RawSymbols"/>: the light fold writes nothing for this unit.</summary>
    public const ushort Dropped = ushort.MaxValue;

    /// <summary>In <see cref="RawSymbols"/>: only the light fold tells what this unit becomes.</summary>
    public const ushort NeedsLightFold = ushort.MaxValue - 1;

    /// <summary>
    /// <see cref="Find"/> on the light fold of <paramref name="text"/> without writing the fold out,
    /// through <paramref name="rawSymbols"/> (<see cref="RawSymbols"/>). False when a character
    /// needs the light fold itself: then fold and <see cref="Find"/>.
    /// </summary>
    public bool TryFindInRaw(string text, ushort[] rawSymbols, ulong wanted, out ulong found)
    {
        var walk = new Walk(this);
        foreach (var c in text)
        {
            var symbol = rawSymbols[c];
            if (symbol >= NeedsLightFold)
            {
                if (symbol == Dropped)
                {
                    continue;
                }

                found = 0;
                return false;
            }

            if (walk.Step(symbol, wanted))
            {
                break;
            }
        }

        found = walk.Found;
        return true;
    }

    /// <summary>One walk of the automaton: the state, the bits found, and which patterns were seen (for combinations).</summary>
    private ref struct Walk
    {
        private readonly Triggers _triggers;
        private readonly Span<ulong> _seen;
        private int _state;
        private ushort _previous;

        public Walk(Triggers triggers)
        {
            _triggers = triggers;
            var words = triggers._combos.Length == 0 ? 0 : (triggers._bitsOfPattern.Length + 63) >> 6;

            // A few hundred patterns at most, usually: a small array, reused by the thread.
            _seen = words == 0 ? default : (t_seen is { } kept && kept.Length >= words ? kept : t_seen = new ulong[words]).AsSpan(0, words);
            _seen.Clear();
        }

        public ulong Found { get; private set; }

        /// <summary>Reads one symbol; true once every bit of <paramref name="wanted"/> is found.</summary>
        public bool Step(ushort symbol, ulong wanted)
        {
            var automaton = _triggers._automaton;
            _state = automaton.NextSymbol(_state, symbol, _previous);
            _previous = symbol;
            if (!automaton.HasOutputs(_state))
            {
                return false;
            }

            foreach (var id in automaton.Outputs(_state))
            {
                Found |= _triggers._bitsOfPattern[id];
                if (!_seen.IsEmpty && (_seen[id >> 6] & (1UL << (id & 63))) == 0)
                {
                    _seen[id >> 6] |= 1UL << (id & 63);
                    foreach (var combo in _triggers._combosOfPattern[id])
                    {
                        var (parts, bit) = _triggers._combos[combo];
                        var all = true;
                        foreach (var p in parts)
                        {
                            all &= (_seen[p >> 6] & (1UL << (p & 63))) != 0;
                        }

                        if (all)
                        {
                            Found |= bit;
                        }
                    }
                }
            }

            return (Found & wanted) == wanted;
        }
    }

    [ThreadStatic]
    private static ulong[]? t_seen;
}
