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

    // What the walk reads of a state, in one 16-byte record, and each edge as (symbol << 32 | target):
    // one cache line per state visited instead of one per array.
    private readonly StateInfo[] _states;
    private readonly ulong[] _edges;

    // Every pair of adjacent symbols in any pattern, hashed into a bit set: a state can have a
    // child on symbol b only if (the symbol into the state, b) is such a pair. Most lookups in
    // clean chat fail, and this answers them without searching the state's edges.
    private const int PairBits = 21;
    private readonly ulong[] _pairs = new ulong[1 << (PairBits - 6)];

    private struct StateInfo
    {
        public int EdgeStart;
        public int EdgeEnd;
        public int Fail;
        public ushort InSymbol;
        public bool HasOutput;
    }

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

        for (var s = 0; s < fail.Length; s++)
        {
            for (var k = edgeStart[s]; k < edgeStart[s + 1]; k++)
            {
                inSymbol[edgeTarget[k]] = edgeSymbol[k];
                if (s != 0)
                {
                    // s is entered on inSymbol[s] (set earlier: parents come before children in
                    // state numbering), and leaves on edgeSymbol[k].
                    SetPair(inSymbol[s], edgeSymbol[k]);
                }
            }
        }

        _states = new StateInfo[fail.Length];
        for (var s = 0; s < fail.Length; s++)
        {
            _states[s] = new StateInfo
            {
                EdgeStart = edgeStart[s],
                EdgeEnd = edgeStart[s + 1],
                Fail = fail[s],
                InSymbol = inSymbol[s],
                HasOutput = outputStart[s + 1] != outputStart[s],
            };
        }

        _edges = new ulong[edgeSymbol.Length];
        for (var k = 0; k < _edges.Length; k++)
        {
            _edges[k] = ((ulong)edgeSymbol[k] << 32) | (uint)edgeTarget[k];
        }

        _symbolOf = symbolOf;
        _rootNext = rootNext;
        _outputStart = outputStart;
        _outputs = outputs;
        PatternLength = patternLength;
    }

    /// <summary>Length of each pattern, in folded characters.</summary>
    public int[] PatternLength { get; }

    public int StateCount => _states.Length;

    /// <summary>Builds the automaton; pattern i is reported as i.</summary>
    public static Automaton Build(IReadOnlyList<string> patterns)
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

    /// <summary>The state after reading <paramref name="c"/> in <paramref name="state"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public int Next(int state, char c)
    {
        var symbol = _symbolOf[c];
        return symbol == 0 ? 0 : NextSymbol(state, symbol);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static int PairHash(ushort a, ushort b) => (int)((((uint)a << 16) | b) * 0x9E3779B1u >> (32 - PairBits));

    private void SetPair(ushort a, ushort b)
    {
        var h = PairHash(a, b);
        _pairs[h >> 6] |= 1UL << (h & 63);
    }

    /// <summary>The child of a non-root state on a symbol, or 0: a short scan for few edges, binary search for many.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private int Child(int state, ushort symbol)
    {
        ref readonly var info = ref _states[state];
        var h = PairHash(info.InSymbol, symbol);
        if ((_pairs[h >> 6] & (1UL << (h & 63))) == 0)
        {
            return 0;
        }

        var lo = info.EdgeStart;
        var hi = info.EdgeEnd - 1;
        var edges = _edges;
        if (hi - lo < 8)
        {
            for (var k = lo; k <= hi; k++)
            {
                var s = (ushort)(edges[k] >> 32);
                if (s >= symbol)
                {
                    return s == symbol ? (int)(uint)edges[k] : 0;
                }
            }

            return 0;
        }

        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var s = (ushort)(edges[mid] >> 32);
            if (s == symbol)
            {
                return (int)(uint)edges[mid];
            }

            if (s < symbol)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return 0;
    }

    /// <summary>The symbol of a folded character; 0 for a character that occurs in no pattern.</summary>
    internal ushort[] Symbols => _symbolOf;

    /// <summary>The state after reading a known, non-zero symbol.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal int NextSymbol(int state, ushort symbol)
    {
        while (state != 0)
        {
            var target = Child(state, symbol);
            if (target != 0)
            {
                return target;
            }

            state = _states[state].Fail;
        }

        return _rootNext[symbol];
    }

    /// <summary>The patterns that end in <paramref name="state"/>.</summary>
    public ReadOnlySpan<int> Outputs(int state) =>
        _outputs.AsSpan(_outputStart[state], _outputStart[state + 1] - _outputStart[state]);

    public bool HasOutputs(int state) => _states[state].HasOutput;
}
