namespace GroupGuard.Core.Detection;

/// <summary>
/// Aho-Corasick over folded text: one automaton for every pattern of a rule set (terms, pinyin
/// forms, allow phrases), built once per version and never changed. Characters that occur in no
/// pattern map to symbol 0 and send the walk straight back to the root, which is what most
/// characters of clean chat do.
/// </summary>
internal sealed class Automaton
{
    private readonly ushort[] _symbolOf;
    private readonly int[] _rootNext;
    private readonly int[] _outputStart;
    private readonly int[] _outputs;

    // Per state, its failure state (with its flags).
    private readonly int[] _fail;

    // Every edge of every non-root state in one open-addressing table: key (state << 16 | symbol)
    // in the high 40 bits, target in the low 24. One probe, usually, whatever the state's width.
    private readonly ulong[] _edgeTable;
    private readonly int _edgeMask;

    // Every pair of adjacent symbols in any pattern, hashed into a bit set: a state can have a
    // child on symbol b only if (the symbol into the state, b) is such a pair. Most lookups in
    // clean chat fail, and this answers them without searching the state's edges.
    //
    // The second half holds the pairs that begin a pattern. A state one symbol deep fails straight
    // to the root, so it has a child on b exactly when some pattern begins with (its symbol, b): a
    // sharper test for the states a walk through clean chat is in most of the time.
    //
    // Sized to the automaton, about 32 bits a pair (one in thirty lookups that should fail reaches
    // the edges): the walks read it for nearly every character, between messages whose other work
    // (Jieba's table, the regexes) pushes it out of the cache, so a small one is a fast one.
    private const int PairBitsPerPair = 32;
    private readonly ulong[] _pairs;
    private readonly int _pairShift;

    // Before the pair set, a sieve that fits the first-level cache: per symbol a and half (any
    // state, or one symbol deep), 64 bits, bit (b mod 64) set for every pair (a, b) of that half. A
    // symbol has a few successors in the patterns, so most lookups that fail end here (8 bytes a
    // symbol and half: 16 KB for a thousand symbols, where the pair set is 64 KB and was the one
    // load the walk waited for, a quarter of its time); what passes is asked of the pair set.
    private readonly ulong[] _successors;

    // A state as the walk carries it: its index in the low bits, and two flags the walk asks of
    // every state it enters (does a pattern end here; is it one symbol deep), so that asking costs
    // no memory access.
    private const int IdBits = 22;
    private const int IdMask = (1 << IdBits) - 1;
    private const int OutputFlag = 1 << IdBits;
    private const int FirstLevelFlag = 1 << (IdBits + 1);

    private Automaton(ushort[] symbolOf, int[] rootNext, int[] edgeStart, ushort[] edgeSymbol, int[] edgeTarget, int[] fail, int[] outputStart, int[] outputs, int[] patternLength)
    {
        var inSymbol = new ushort[fail.Length];
        for (var symbol = 1; symbol < rootNext.Length; symbol++)
        {
            if (rootNext[symbol] != 0)
            {
                inSymbol[rootNext[symbol]] = (ushort)symbol;
            }
        }

        var pairBits = 12;
        while (pairBits < 21 && (1L << pairBits) < (long)edgeSymbol.Length * PairBitsPerPair)
        {
            pairBits++;
        }

        _pairShift = 32 - pairBits;
        var pairWords = 1 << (pairBits - 6);
        _pairs = new ulong[2 * pairWords];
        _successors = new ulong[2 * rootNext.Length];
        for (var s = 0; s < fail.Length; s++)
        {
            for (var k = edgeStart[s]; k < edgeStart[s + 1]; k++)
            {
                inSymbol[edgeTarget[k]] = edgeSymbol[k];
                if (s != 0)
                {
                    // s is entered on inSymbol[s] (set earlier: parents come before children in
                    // state numbering), and leaves on edgeSymbol[k].
                    SetPair(0, inSymbol[s], edgeSymbol[k]);
                    if (fail[s] == 0 && rootNext[inSymbol[s]] == s)
                    {
                        SetPair(pairWords, inSymbol[s], edgeSymbol[k]);
                    }
                }
            }
        }

        var flags = new int[fail.Length];
        for (var s = 1; s < fail.Length; s++)
        {
            flags[s] = s
                | (outputStart[s + 1] != outputStart[s] ? OutputFlag : 0)
                | (rootNext[inSymbol[s]] == s ? FirstLevelFlag : 0);
        }

        _fail = [.. fail.Select(f => flags[f])];

        var size = 16;
        while (size < edgeSymbol.Length * 2)
        {
            size <<= 1;
        }

        _edgeTable = new ulong[size];
        _edgeMask = size - 1;
        for (var st = 1; st < fail.Length; st++)
        {
            for (var k = edgeStart[st]; k < edgeStart[st + 1]; k++)
            {
                var key = ((ulong)(uint)st << 16) | edgeSymbol[k];
                var slot = Slot(key);
                while (_edgeTable[slot] != 0)
                {
                    slot = (slot + 1) & _edgeMask;
                }

                _edgeTable[slot] = (key << 24) | (uint)flags[edgeTarget[k]];
            }
        }

        _symbolOf = symbolOf;
        _rootNext = [.. rootNext.Select(target => flags[target])];
        _outputStart = outputStart;
        _outputs = outputs;
        PatternLength = patternLength;
    }

    /// <summary>Length of each pattern, in folded characters.</summary>
    public int[] PatternLength { get; }

    public int StateCount => _fail.Length;

    /// <summary>The most states an automaton may have: a state's index is carried in <see cref="IdBits"/> bits.</summary>
    public const int MaxStates = IdMask;

    /// <summary>The index of a state as the walks carry it (its flags dropped), from 0 to <see cref="StateCount"/> - 1.</summary>
    public static int Id(int state) => state & IdMask;

    /// <summary>
    /// Builds the automaton; pattern i is reported as i. With <paramref name="digitsAs"/>, every
    /// decimal digit of the text (any <see cref="char.IsDigit(char)"/>) is read as that character,
    /// which stands for any digit in the patterns: one table lookup a character instead of a
    /// Unicode category lookup for every hanzi.
    /// </summary>
    public static Automaton Build(IReadOnlyList<string> patterns, char? digitsAs = null)
    {
        // Symbols: 1..n for the characters that occur in patterns, in order of first use.
        var symbolOf = new ushort[65536];
        var symbols = 0;
        foreach (var pattern in patterns)
        {
            foreach (var c in pattern)
            {
                if (symbolOf[c] == 0)
                {
                    if (symbols == ushort.MaxValue - 1)
                    {
                        throw new InvalidOperationException("More than 65,534 distinct characters in the rule terms");
                    }

                    symbolOf[c] = (ushort)++symbols;
                }
            }
        }

        if (digitsAs is { } mark)
        {
            for (var c = 0; c < symbolOf.Length; c++)
            {
                if (char.IsDigit((char)c))
                {
                    symbolOf[c] = symbolOf[mark];
                }
            }
        }

        // The trie, with dictionaries while it grows.
        var children = new List<Dictionary<ushort, int>> { new() };
        var own = new List<List<int>?> { null };
        for (var p = 0; p < patterns.Count; p++)
        {
            var state = 0;
            foreach (var c in patterns[p])
            {
                var symbol = symbolOf[c];
                if (!children[state].TryGetValue(symbol, out var next))
                {
                    next = children.Count;
                    if (next > MaxStates)
                    {
                        // Told as soon as the trie passes it, not once the whole trie is built: a
                        // folder far past it would take gigabytes first.
                        throw new AutomatonTooLargeException();
                    }

                    children.Add([]);
                    own.Add(null);
                    children[state][symbol] = next;
                }

                state = next;
            }

            (own[state] ??= []).Add(p);
        }

        var count = children.Count;
        var fail = new int[count];
        var order = new List<int>(count) { 0 };
        var rootNext = new int[symbols + 1];
        foreach (var (symbol, child) in children[0])
        {
            rootNext[symbol] = child;
            order.Add(child);
        }

        // Breadth first: a state's failure is the longest proper suffix that is also a trie path.
        for (var k = 1; k < order.Count; k++)
        {
            var state = order[k];
            foreach (var (symbol, child) in children[state])
            {
                var f = fail[state];
                while (f != 0 && !children[f].ContainsKey(symbol))
                {
                    f = fail[f];
                }

                fail[child] = children[f].TryGetValue(symbol, out var target) && target != child ? target : 0;
                order.Add(child);
            }
        }

        // Flatten: edges sorted by symbol; outputs include those of the failure chain.
        var edgeStart = new int[count + 1];
        var edgeSymbol = new List<ushort>();
        var edgeTarget = new List<int>();
        for (var s = 0; s < count; s++)
        {
            edgeStart[s] = edgeSymbol.Count;
            if (s == 0)
            {
                continue; // the root uses rootNext
            }

            foreach (var (symbol, child) in children[s].OrderBy(e => e.Key))
            {
                edgeSymbol.Add(symbol);
                edgeTarget.Add(child);
            }
        }

        edgeStart[count] = edgeSymbol.Count;

        var outputStart = new int[count + 1];
        var outputs = new List<int>();
        var merged = new List<int>[count];
        foreach (var s in order)
        {
            var list = new List<int>();
            if (own[s] is { } mine)
            {
                list.AddRange(mine);
            }

            if (s != 0 && merged[fail[s]] is { Count: > 0 } inherited)
            {
                list.AddRange(inherited);
            }

            merged[s] = list;
        }

        for (var s = 0; s < count; s++)
        {
            outputStart[s] = outputs.Count;
            outputs.AddRange(merged[s]);
        }

        outputStart[count] = outputs.Count;
        var lengths = patterns.Select(p => p.Length).ToArray();
        return new Automaton(symbolOf, rootNext, edgeStart, [.. edgeSymbol], [.. edgeTarget], fail, outputStart, [.. outputs], lengths);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private int PairHash(ushort a, ushort b) => (int)((((uint)a << 16) | b) * 0x9E3779B1u >> _pairShift);

    private void SetPair(int offset, ushort a, ushort b)
    {
        var h = PairHash(a, b);
        _pairs[offset + (h >> 6)] |= 1UL << (h & 63);
        _successors[(a << 1) | (offset == 0 ? 0 : 1)] |= 1UL << (b & 63);
    }

    /// <summary>The child of a non-root state on a symbol (with its flags), or 0: looked up in the edge table, keyed by state and symbol, probing linearly from the key's hash.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private int Child(int state, ushort symbol)
    {
        var key = ((ulong)(uint)state << 16) | symbol;
        var table = _edgeTable;
        for (var slot = Slot(key); ; slot = (slot + 1) & _edgeMask)
        {
            var entry = table[slot];
            if (entry == 0)
            {
                return 0;
            }

            if (entry >> 24 == key)
            {
                return (int)(entry & 0xFFFFFF); // the target with its flags
            }
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private int Slot(ulong key) => (int)((key * 0x9E3779B97F4A7C15UL) >> 40) & _edgeMask;

    /// <summary>The symbol of a folded character; 0 for a character that occurs in no pattern.</summary>
    internal ushort[] Symbols => _symbolOf;

    /// <summary>
    /// The state after reading <paramref name="symbol"/> (0: a character in no pattern), for a walk
    /// that knows the symbol read before it, <paramref name="inSymbol"/>: every state but the root
    /// was entered on the symbol just read, so the walk need not look it up. The usual case (to the
    /// root's transition, for a symbol no pattern has after the last one) takes no branch that
    /// depends on the text, so the processor runs ahead through clean chat without mispredicting.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal int NextSymbol(int state, ushort symbol, ushort inSymbol)
    {
        // Every state on the failure chain stands for a suffix of this one, so all are entered on
        // the same symbol: when no pattern has that symbol followed by this one, none of them has a
        // child on it, and the walk goes straight to the root's transition. The bit is read for the
        // root and symbol 0 too, and ignored. The sieve first (the first-level flag, bit IdBits + 1,
        // down to bit 0: the half), then the pair set.
        var sieve = _successors[(inSymbol << 1) | ((state >> (IdBits + 1)) & 1)];
        var maybe = (int)(sieve >> (symbol & 63)) & (state != 0 ? 1 : 0) & (symbol != 0 ? 1 : 0);
        if (maybe == 0)
        {
            return _rootNext[symbol];
        }

        var h = PairHash(inSymbol, symbol);
        // The first-level flag shifted down to bit pairBits - 6 = 26 - _pairShift: the word offset of the second half.
        var word = _pairs[((state & FirstLevelFlag) >> (_pairShift + IdBits - 25)) | (h >> 6)];
        return ((word >> (h & 63)) & 1) != 0 ? Descend(state, symbol) : _rootNext[symbol];
    }

    /// <summary>
    /// Reads <paramref name="text"/> from <paramref name="at"/> while its characters count (their
    /// entry in <paramref name="table"/> has none of <paramref name="stopBits"/>; the entry's low 16
    /// bits are the symbol) and none repeats the one before it (a character in no pattern may), and
    /// no state with outputs is reached. Returns where it stopped: the first character not read, or
    /// one past the character that reached a state with outputs. <paramref name="state"/> and
    /// <paramref name="last"/> (the symbol read last) go on from where they were. The engine's
    /// fast pass spends most of its time here: a loop with little state, apart from the fast pass's
    /// handling of interference, repeats and pattern ends.
    /// </summary>
    internal int WalkPlain(string text, int at, uint[] table, uint stopBits, ref int state, ref ushort last)
    {
        var walking = state;
        var previous = last;
        for (; at < text.Length; at++)
        {
            var entry = table[text[at]];
            var symbol = (ushort)entry;
            if ((entry & stopBits) != 0 || (symbol == previous && symbol != 0))
            {
                break;
            }

            walking = NextSymbol(walking, symbol, previous);
            previous = symbol;
            if ((walking & OutputFlag) != 0)
            {
                at++;
                break;
            }
        }

        state = walking;
        last = previous;
        return at;
    }

    private int Descend(int state, ushort symbol)
    {
        do
        {
            var target = Child(state & IdMask, symbol);
            if (target != 0)
            {
                return target;
            }

            state = _fail[state & IdMask];
        }
        while (state != 0);

        return _rootNext[symbol];
    }

    /// <summary>
    /// The child of <paramref name="state"/> (with its flags; 0 for the root) on
    /// <paramref name="symbol"/> in the trie of the patterns, without failure links: 0 when no
    /// pattern goes on that way.
    /// </summary>
    internal int TrieChild(int state, ushort symbol) =>
        symbol == 0 ? 0 : state == 0 ? _rootNext[symbol] : Child(state & IdMask, symbol);

    /// <summary>The patterns that end in <paramref name="state"/>.</summary>
    public ReadOnlySpan<int> Outputs(int state)
    {
        var id = state & IdMask;
        return _outputs.AsSpan(_outputStart[id], _outputStart[id + 1] - _outputStart[id]);
    }

    public bool HasOutputs(int state) => (state & OutputFlag) != 0;
}

/// <summary>
/// The patterns would need more than <see cref="Automaton.MaxStates"/> states: too many characters
/// of terms and phrases for one matcher (the rules loader bounds what a folder holds as written,
/// but pinyin forms add to it).
/// </summary>
internal sealed class AutomatonTooLargeException()
    : InvalidOperationException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"the terms and phrases need more than {Automaton.MaxStates:N0} matcher states"));
