namespace GroupGuard.Text.Jieba;

/// <summary>
/// jieba.NET's table of words and their prefixes (a <c>Dictionary&lt;string, int&gt;</c>: each word
/// at its frequency, each prefix of a word at 0) laid out again as a trie, so that the dictionary
/// words starting at a position are found one character at a time instead of by hashing each
/// longer prefix from its start. It answers exactly what the table answers: a prefix is a node only
/// when the table holds it and every shorter prefix (Jieba's own walk stops at the first prefix the
/// table lacks), and a word is a prefix the table values above zero, at the logarithm of that
/// value. Immutable; built again after a term update (<see cref="Generation"/>).
/// </summary>
internal sealed class JiebaWordTable
{
    // A walk carries a step: where the prefix's record is (a first character's node, or the slot of
    // the edge into a longer prefix, with EdgeFlag), and WordFlag when the prefix is a word
    // (frequency above zero), so the walk reads a logarithm only for words, from the slot it has.
    private const int IndexBits = 23;
    private const int IndexMask = (1 << IndexBits) - 1;
    private const int EdgeFlag = 1 << (IndexBits + 1);

    /// <summary>Set in a step whose prefix is a word.</summary>
    public const int WordFlag = 1 << IndexBits;

    // The one-character prefixes straight by character (step + 1, or 0); every other edge in one
    // open-addressing table of (entry, logarithm) pairs: the entry holds (parent + 1) in its top
    // 24 bits, the character in the next 16, the child's node and WordFlag in the low 24; the
    // logarithm sits beside it, in the same cache line. One probe, usually, whatever the parent's
    // width (a first character goes on in thousands of ways). Most lookups fail (the character
    // after a word's last one), and a bit set small enough to stay in cache answers most of those
    // without touching the table.
    private const int FilterBits = 22;
    private readonly int[] _rootChild = new int[char.MaxValue + 1];
    private readonly double[] _rootLog;
    private readonly Edge[] _edges;
    private readonly int _edgeShift;
    private readonly ulong[] _filter = new ulong[1 << (FilterBits - 6)];

    // Every pair of characters that stand side by side in some word or prefix of the table, hashed
    // into a bit set: a word runs across the boundary between two characters only if they are such
    // a pair. A pair in no word may be let through too (about two in a hundred: the main
    // dictionary has some 300,000 pairs, the set 16 M bits), never the other way.
    private const int PairBits = 24;
    private readonly ulong[] _pairs = new ulong[1 << (PairBits - 6)];

    private struct Edge
    {
        public ulong Entry;
        public double Log;
    }

    private JiebaWordTable(long generation, int roots, int edges)
    {
        Generation = generation;

        // At most half full.
        var bits = 4;
        while ((1 << bits) < 2 * edges)
        {
            bits++;
        }

        _rootLog = new double[roots];
        _edges = new Edge[1 << bits];
        _edgeShift = 64 - bits;
    }

    /// <summary>The term update count (see <c>JiebaDictionary</c>) the table was read at.</summary>
    public long Generation { get; }

    /// <summary>How many prefixes (words included) the table holds.</summary>
    public int Count { get; private set; }

    /// <summary>The step to the one-character prefix <paramref name="c"/>, or -1.</summary>
    public int Root(char c) => _rootChild[c] - 1;

    /// <summary>The step from <paramref name="step"/>'s prefix on to <paramref name="c"/>, or -1.</summary>
    public int Child(int step, char c)
    {
        var parent = (step & EdgeFlag) != 0 ? (int)(_edges[step & IndexMask].Entry & IndexMask) : step & IndexMask;
        var key = Key(parent, c);
        var bit = FilterBit(key);
        if ((_filter[bit >> 6] & (1UL << bit)) == 0)
        {
            return -1;
        }

        var edges = _edges;
        var mask = edges.Length - 1;
        for (var slot = Slot(key); ; slot = (slot + 1) & mask)
        {
            var entry = edges[slot].Entry;
            if ((entry & ~0xFFFFFFUL) == key)
            {
                return slot | EdgeFlag | ((int)entry & WordFlag);
            }

            if (entry == 0)
            {
                return -1;
            }
        }
    }

    /// <summary>
    /// False when no word or prefix of the table holds <paramref name="a"/> right before
    /// <paramref name="b"/>, so no word runs across the boundary between them; true when one may.
    /// </summary>
    public bool MayJoin(char a, char b)
    {
        var bit = PairBit(a, b);
        return (_pairs[bit >> 6] & (1UL << bit)) != 0;
    }

    private static int PairBit(char a, char b) => (int)(((uint)a << 16 | b) * 0x9E3779B1u >> (32 - PairBits));

    /// <summary>Whether the step's prefix is a word of the table (frequency above zero), not only a prefix.</summary>
    public static bool IsWord(int step) => (step & WordFlag) != 0;

    /// <summary>The natural logarithm (as <see cref="Math.Log(double)"/> gives it) of the frequency of the step's word; negative infinity for a prefix only.</summary>
    public double LogFrequency(int step) =>
        (step & EdgeFlag) != 0 ? _edges[step & IndexMask].Log : _rootLog[step & IndexMask];

    private static ulong Key(int parent, char c) => ((ulong)(uint)(parent + 1) << 40) | ((ulong)c << 24);

    private int Slot(ulong key) => (int)((key * 0x9E3779B97F4A7C15UL) >> _edgeShift);

    private static int FilterBit(ulong key) => (int)((key * 0xD6E8FEB86659FD93UL) >> (64 - FilterBits));

    /// <summary>Lays <paramref name="table"/> out as a trie. The caller keeps writers out while it reads.</summary>
    public static JiebaWordTable Build(IEnumerable<KeyValuePair<string, int>> table, long generation)
    {
        // Level by level, so that a prefix's parent is in before it and is found by walking what is
        // there already (a prefix whose shorter prefix the table lacks is never reached by Jieba's
        // walk, and is left out).
        var levels = new List<List<KeyValuePair<string, int>>>();
        foreach (var entry in table)
        {
            var length = entry.Key.Length;
            if (length == 0)
            {
                continue;
            }

            while (levels.Count < length)
            {
                levels.Add([]);
            }

            levels[length - 1].Add(entry);
        }

        var roots = levels.Count > 0 ? levels[0].Count : 0;
        var edges = levels.Skip(1).Sum(l => l.Count);
        if (roots + edges > 1 << (IndexBits - 1))
        {
            throw new InvalidOperationException($"Jieba's table holds {roots + edges:N0} prefixes; a word table takes at most {1 << (IndexBits - 1):N0}.");
        }

        var built = new JiebaWordTable(generation, roots, edges);
        var node = 0;
        foreach (var (key, frequency) in roots > 0 ? levels[0] : [])
        {
            built._rootChild[key[0]] = (node | (frequency > 0 ? WordFlag : 0)) + 1;
            built._rootLog[node] = Log(frequency);
            node++;
        }

        var mask = built._edges.Length - 1;
        for (var d = 1; d < levels.Count; d++)
        {
            foreach (var (key, frequency) in levels[d])
            {
                var parent = built.Root(key[0]);
                for (var k = 1; k < d && parent >= 0; k++)
                {
                    parent = built.Child(parent, key[k]);
                }

                if (parent < 0)
                {
                    continue; // a shorter prefix is missing from the table: Jieba's walk never gets here
                }

                var parentNode = (parent & EdgeFlag) != 0 ? (int)(built._edges[parent & IndexMask].Entry & IndexMask) : parent & IndexMask;
                var edgeKey = Key(parentNode, key[d]);
                var slot = built.Slot(edgeKey);
                while (built._edges[slot].Entry != 0)
                {
                    slot = (slot + 1) & mask;
                }

                built._edges[slot] = new Edge { Entry = edgeKey | (uint)(node | (frequency > 0 ? WordFlag : 0)), Log = Log(frequency) };
                var bit = FilterBit(edgeKey);
                built._filter[bit >> 6] |= 1UL << bit;
                var pair = PairBit(key[d - 1], key[d]);
                built._pairs[pair >> 6] |= 1UL << pair;
                node++;
            }
        }

        built.Count = node;
        return built;

        static double Log(int frequency) => frequency > 0 ? Math.Log(frequency) : double.NegativeInfinity;
    }
}
