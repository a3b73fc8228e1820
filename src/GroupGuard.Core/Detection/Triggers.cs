namespace GroupGuard.Core.Detection;

/// <summary>
/// The literals that regex and detector rules need before they can match, found in one walk of
/// the lightly folded message by one automaton. Each distinct <see cref="LiteralSet"/> gets a bit
/// (up to <see cref="MaxSets"/>, each rule's first set before any rule's second, the seconds before any third; sets
/// past that are not tracked and so never stop their rule from running); a rule runs only when
/// every bit it needs was seen.
/// Immutable and thread-safe.
/// </summary>
internal sealed class Triggers
{
    /// <summary>The most distinct literal sets that get a bit; past them a set is not tracked.</summary>
    public const int MaxSets = 128;

    private readonly Automaton _automaton;
    private readonly UInt128[] _bitsOfPattern;

    // Strings of parts joined by RequiredLiterals.And: per pattern, the combinations it is part of
    // (indexes into _combos); a combination gives its bit once every one of its parts was seen.
    private readonly int[][] _combosOfPattern;
    private readonly (int[] Parts, UInt128 Bit)[] _combos;

    // The pass of TryFindInRaw: per symbol, the bits of the one-character patterns that are part of
    // no combination; per symbol, the one-character parts of combinations as bits (the first 64;
    // _partPatterns says which pattern each bit is), and whether it is one of those past 64; and a
    // hashed bit set of the symbol pairs that begin a longer pattern. A pair in the set, or a part
    // past 64, sends a walk down the automaton's trie from where it stands.
    private readonly UInt128[] _single;
    private readonly ulong[] _singlePart;
    private readonly int[] _partPatterns;
    private readonly byte[] _singleInCombo;
    private readonly ulong[] _firstPairs;
    private readonly int _firstPairShift;

    private Triggers(Automaton automaton, IReadOnlyList<string> patterns, UInt128[] bitsOfPattern, int[][] combosOfPattern, (int[] Parts, UInt128 Bit)[] combos, UInt128[] needs)
    {
        _automaton = automaton;
        Patterns = patterns;
        _bitsOfPattern = bitsOfPattern;
        _combosOfPattern = combosOfPattern;
        _combos = combos;
        Needs = needs;
        All = needs.Aggregate(UInt128.Zero, (a, b) => a | b);
        var symbols = automaton.Symbols;
        var alphabet = 0;
        foreach (var pattern in patterns)
        {
            foreach (var c in pattern)
            {
                alphabet = Math.Max(alphabet, symbols[c]);
            }
        }

        _single = new UInt128[alphabet + 1];
        _singlePart = new ulong[alphabet + 1];
        _singleInCombo = new byte[alphabet + 1];
        var partPatterns = new List<int>();
        // At least 64 bits a longer pattern: a pair that begins none is let through at most once in 64
        // lookups of pattern characters (a walk down the trie that finds nothing). At 32 bits a
        // third of the walks on the corpora were such; at 64, a fifth.
        var longer = patterns.Count(p => p.Length > 1);
        var pairBits = 12;
        while (pairBits < 20 && (1 << pairBits) < longer * 64)
        {
            pairBits++;
        }

        _firstPairShift = 32 - pairBits;
        _firstPairs = new ulong[1 << (pairBits - 6)];
        for (var p = 0; p < patterns.Count; p++)
        {
            var pattern = patterns[p];
            if (pattern.Length == 1)
            {
                if (combosOfPattern[p].Length == 0)
                {
                    _single[symbols[pattern[0]]] |= bitsOfPattern[p];
                }
                else if (partPatterns.Count < 64)
                {
                    _singlePart[symbols[pattern[0]]] |= 1UL << partPatterns.Count;
                    partPatterns.Add(p);
                }
                else
                {
                    _singleInCombo[symbols[pattern[0]]] = 1;
                }
            }
            else if (pattern.Length > 1)
            {
                var h = FirstPairHash(symbols[pattern[0]], symbols[pattern[1]]);
                _firstPairs[h >> 6] |= 1UL << (h & 63);
            }
        }

        _partPatterns = [.. partPatterns];
    }

    /// <summary>The literals, each a pattern of its own (the parts of combinations too), in light-fold space, digits as <see cref="RequiredLiterals.DigitMark"/>.</summary>
    public IReadOnlyList<string> Patterns { get; }

    /// <summary>The bits pattern <paramref name="pattern"/> gives alone.</summary>
    public UInt128 BitsOf(int pattern) => _bitsOfPattern[pattern];

    /// <summary>Whether pattern <paramref name="pattern"/> is a part of a combination (its finding must be reported to a <see cref="Walk"/>).</summary>
    public bool InCombination(int pattern) => _combosOfPattern[pattern].Length > 0;

    /// <summary>A walk's record of patterns found, for a walk done elsewhere (the engine's one walk).</summary>
    public Walk StartWalk() => new(this);

    /// <summary>Per rule given to <see cref="Build"/>: the bits it needs (0: it always runs).</summary>
    public IReadOnlyList<UInt128> Needs { get; }

    /// <summary>Every bit some rule needs.</summary>
    public UInt128 All { get; }

    /// <summary>
    /// The rules given to <see cref="Build"/> that need sets of which none got a bit (past
    /// <see cref="MaxSets"/> rules' first sets): they run on every message, as if they needed nothing.
    /// </summary>
    public IReadOnlyList<int> Unguarded { get; private init; } = [];

    /// <summary>
    /// The triggers of <paramref name="perRule"/> (each rule's sets, in light-fold space), or null
    /// when no rule needs anything and every one always runs.
    /// </summary>
    public static Triggers? Build(IReadOnlyList<IReadOnlyList<LiteralSet>> perRule)
    {
        var bitOfKey = new Dictionary<string, int>(StringComparer.Ordinal);
        var sets = new List<LiteralSet>();
        var needs = new UInt128[perRule.Count];

        // Bits are given in rounds: each rule's first set, then each one's second, and so on (a
        // pattern's sets come most selective first). Past MaxSets sets a rule whose every set went
        // untracked would run on every message (a detector's too, the costliest work), while one
        // with a set tracked still runs only where that set is found, and a third set (often any
        // Latin letter) narrows less than another rule's second.
        // A set with no string, or with an empty one, requires nothing.
        var required = perRule.Select(ofRule => ofRule.Where(set => set.Strings.Count > 0 && set.Strings.All(s => s.Length > 0)).ToArray()).ToArray();
        var rounds = required.Length == 0 ? 0 : required.Max(ofRule => ofRule.Length);
        for (var round = 0; round < rounds; round++)
        {
            for (var r = 0; r < required.Length; r++)
            {
                if (round >= required[r].Length)
                {
                    continue;
                }

                var set = required[r][round];
                if (!bitOfKey.TryGetValue(set.Key, out var bit))
                {
                    if (sets.Count == MaxSets)
                    {
                        continue;
                    }

                    bit = sets.Count;
                    bitOfKey[set.Key] = bit;
                    sets.Add(set);
                }

                needs[r] |= UInt128.One << bit;
            }
        }

        if (sets.Count == 0)
        {
            return null;
        }

        var patterns = new List<string>();
        var bits = new List<UInt128>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var combos = new List<(int[] Parts, UInt128 Bit)>();
        int Pattern(string s)
        {
            if (!index.TryGetValue(s, out var id))
            {
                id = patterns.Count;
                index[s] = id;
                patterns.Add(s);
                bits.Add(UInt128.Zero);
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
                    bits[Pattern(parts[0])] |= UInt128.One << bit;
                }
                else if (parts.Length > 1)
                {
                    combos.Add(([.. parts.Select(Pattern)], UInt128.One << bit));
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

        return new Triggers(Automaton.Build(patterns, digitsAs: RequiredLiterals.DigitMark), patterns, [.. bits], [.. combosOf.Select(l => l?.ToArray() ?? [])], [.. combos], needs)
        {
            Unguarded = [.. Enumerable.Range(0, required.Length).Where(r => needs[r] == UInt128.Zero && required[r].Length > 0)],
        };
    }

    /// <summary>
    /// The bits whose literals occur in <paramref name="light"/> (the message after
    /// <see cref="Text.TextFolder.FoldLight"/>), its digits read as <see cref="RequiredLiterals.DigitMark"/>;
    /// stops early once every bit of <paramref name="wanted"/> is seen.
    /// </summary>
    public UInt128 Find(ReadOnlySpan<char> light, UInt128 wanted)
    {
        // The walk's state in locals: the walk itself is asked only where literals end.
        var walk = new Walk(this);
        var automaton = _automaton;
        var symbols = automaton.Symbols;
        var state = 0;
        ushort previous = 0;
        foreach (var c in light)
        {
            var symbol = symbols[c];
            state = automaton.NextSymbol(state, symbol, previous);
            previous = symbol;
            if (automaton.HasOutputs(state))
            {
                walk.Report(automaton.Outputs(state));
                if ((walk.Found & wanted) == wanted)
                {
                    break;
                }
            }
        }

        return walk.Found;
    }

    /// <summary>
    /// A table for <see cref="TryFindInRaw"/>: for each UTF-16 unit, the automaton symbol of what
    /// the light fold writes for it (<paramref name="foldTable"/>, <see cref="Text.TextFolder.Table"/>):
    /// its one folded character, <see cref="Dropped"/> when it writes nothing, or
    /// <see cref="NeedsLightFold"/> when only the light fold itself can tell (emoji, rare letters).
    /// With <paramref name="compact"/>, the table of the compact text a regex reads second
    /// (<see cref="Text.TextFolder.Compact"/>): interference other than clause breaks is
    /// <see cref="Dropped"/>, and so is every surrogate, emoji or not, which can only find more.
    /// </summary>
    public ushort[] RawSymbols(uint[] foldTable, bool compact = false)
    {
        var symbols = new ushort[foldTable.Length];
        for (var c = 0; c < foldTable.Length; c++)
        {
            var entry = foldTable[c];
            var flags = Text.CharTables.Flags(entry);
            if (compact && (char.IsSurrogate((char)c) || LeftOutOfCompact(foldTable, entry)))
            {
                symbols[c] = Dropped;
                continue;
            }

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

    /// <summary>
    /// Whether the compact text leaves out what the light fold writes for a unit of this entry:
    /// decided, as <see cref="Text.TextFolder.Compact"/> decides it, by the written character
    /// (① is interference the light fold writes 1, which stays).
    /// </summary>
    private static bool LeftOutOfCompact(uint[] foldTable, uint entry)
    {
        if ((Text.CharTables.Flags(entry) & Text.CharFlags.KindMask) != Text.CharFlags.Skip)
        {
            return false;
        }

        var written = Text.CharTables.Flags(foldTable[Text.CharTables.FoldedChar(entry)]);
        return (written & Text.CharFlags.KindMask) == Text.CharFlags.Skip && (written & Text.CharFlags.Clause) == 0;
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
    public bool TryFindInRaw(string text, ushort[] rawSymbols, UInt128 wanted, out UInt128 found)
    {
        // One pass that carries no automaton state: a one-character pattern gives its bits from a
        // table, and only where a pair of symbols could begin a longer pattern (a hashed bit set)
        // does the automaton's trie say which patterns begin there. Every pattern is found from where
        // it begins, and most characters take no branch that depends on the text (the automaton's
        // walk took one for every character that ends a pattern, about half of them in chat, and the
        // processor could not predict it). One-character parts of combinations are marked seen at the
        // end, when their combinations are complete.
        var walk = new Walk(this);
        var exact = UInt128.Zero;
        var previous = (ushort)0;
        var previousAt = 0;
        var single = _single;
        var inCombo = _singleInCombo;
        var singlePart = _singlePart;
        var parts = 0UL;
        var pairs = _firstPairs;
        for (var i = 0; i < text.Length; i++)
        {
            var symbol = rawSymbols[text[i]];
            if (symbol >= NeedsLightFold)
            {
                if (symbol == Dropped)
                {
                    continue;
                }

                found = UInt128.Zero;
                return false;
            }

            exact |= single[symbol];
            parts |= singlePart[symbol];
            var h = FirstPairHash(previous, symbol);
            var pair = (int)(pairs[h >> 6] >> (h & 63)) & (previous != 0 ? 1 : 0) & (symbol != 0 ? 1 : 0);
            if ((pair | inCombo[symbol]) != 0)
            {
                if (pair != 0)
                {
                    Descend(ref walk, text, rawSymbols, previousAt);
                }

                if (inCombo[symbol] != 0)
                {
                    Descend(ref walk, text, rawSymbols, i);
                }

                if (((walk.Found | exact) & wanted) == wanted)
                {
                    break;
                }
            }

            previous = symbol;
            previousAt = i;
        }

        for (; parts != 0; parts &= parts - 1)
        {
            walk.Report(new ReadOnlySpan<int>(in _partPatterns[System.Numerics.BitOperations.TrailingZeroCount(parts)]));
        }

        found = walk.Found | exact;
        return true;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private int FirstPairHash(ushort a, ushort b) => (int)((((uint)a << 16) | b) * 0x9E3779B1u >> _firstPairShift);

    /// <summary>
    /// Reports the patterns that begin at <paramref name="from"/> (and any that end on the way,
    /// which are there too): down the trie from the root along the text until no pattern goes on.
    /// A character that needs the light fold ends the descent; the caller's pass meets it too.
    /// </summary>
    private void Descend(ref Walk walk, string text, ushort[] rawSymbols, int from)
    {
        var automaton = _automaton;
        var state = 0;
        for (var i = from; i < text.Length; i++)
        {
            var symbol = rawSymbols[text[i]];
            if (symbol == Dropped)
            {
                continue;
            }

            if (symbol == NeedsLightFold || (state = automaton.TrieChild(state, symbol)) == 0)
            {
                return;
            }

            if (automaton.HasOutputs(state))
            {
                walk.Report(automaton.Outputs(state));
            }
        }
    }

    /// <summary>What one walk of the automaton found: the bits, and which patterns were seen (for combinations).</summary>
    internal ref struct Walk
    {
        private readonly Triggers _triggers;
        private readonly Span<ulong> _seen;

        public Walk(Triggers triggers)
        {
            _triggers = triggers;
            var words = triggers._combos.Length == 0 ? 0 : (triggers._bitsOfPattern.Length + 63) >> 6;

            // A few hundred patterns at most, usually: a small array, reused by the thread.
            _seen = words == 0 ? default : (t_seen is { } kept && kept.Length >= words ? kept : t_seen = new ulong[words]).AsSpan(0, words);
            _seen.Clear();
        }

        public UInt128 Found { get; private set; }

        /// <summary>Marks patterns found: their bits, and those of the combinations they complete.</summary>
        public void Report(ReadOnlySpan<int> patterns)
        {
            foreach (var id in patterns)
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
        }
    }

    [ThreadStatic]
    private static ulong[]? t_seen;
}
