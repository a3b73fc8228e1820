namespace GroupGuard.Text.Jieba;

/// <summary>
/// jieba.NET's table of words and their prefixes (a <c>Dictionary&lt;string, int&gt;</c>: each word
/// at its frequency, each prefix of a word at 0) laid out again as a trie, so that the dictionary
/// words starting at a position are found one character at a time instead of by hashing each
/// longer prefix from its start. It answers exactly what the table answers: a prefix is a node only
/// when the table holds it and every shorter prefix (Jieba's own walk stops at the first prefix the
/// table lacks), and a node's frequency is the table's value. Immutable; built again after a term
/// update (<see cref="Generation"/>).
/// </summary>
internal sealed class JiebaWordTable
{
    // Nodes are numbered level by level (all one-character prefixes, then all two-character ones …),
    // in ordinal order within a level, so the children of a node are consecutive and come in the
    // order of their parents: node i's children are [_firstChild[i], _firstChild[i + 1]), sorted by
    // their last character.
    private readonly int[] _rootChild = new int[char.MaxValue + 1]; // node + 1, or 0
    private readonly int[] _firstChild;
    private readonly char[] _label;
    private readonly int[] _frequency;
    private readonly double[] _logFrequency;

    private JiebaWordTable(long generation, int[] firstChild, char[] label, int[] frequency)
    {
        Generation = generation;
        _firstChild = firstChild;
        _label = label;
        _frequency = frequency;
        _logFrequency = new double[frequency.Length];
        for (var node = 0; node < frequency.Length; node++)
        {
            _logFrequency[node] = frequency[node] > 0 ? Math.Log(frequency[node]) : double.NegativeInfinity;
        }
    }

    /// <summary>The term update count (see <c>JiebaDictionary</c>) the table was read at.</summary>
    public long Generation { get; }

    /// <summary>How many prefixes (words included) the table holds.</summary>
    public int Count => _label.Length;

    /// <summary>The node of the one-character prefix <paramref name="c"/>, or -1.</summary>
    public int Root(char c) => _rootChild[c] - 1;

    /// <summary>The node of <paramref name="node"/>'s prefix followed by <paramref name="c"/>, or -1.</summary>
    public int Child(int node, char c)
    {
        int lo = _firstChild[node], hi = _firstChild[node + 1] - 1;
        var labels = _label;
        if (hi - lo < 8)
        {
            // Most nodes below the first level have a few children: a scan beats the search.
            for (var k = lo; k <= hi; k++)
            {
                if (labels[k] >= c)
                {
                    return labels[k] == c ? k : -1;
                }
            }

            return -1;
        }

        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var at = labels[mid];
            if (at == c)
            {
                return mid;
            }

            if (at < c)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return -1;
    }

    /// <summary>The table's value for the node's prefix: a word's frequency, 0 for a prefix only.</summary>
    public int Frequency(int node) => _frequency[node];

    /// <summary>The natural logarithm of <see cref="Frequency"/> (as <see cref="Math.Log(double)"/> gives it), for a word.</summary>
    public double LogFrequency(int node) => _logFrequency[node];

    /// <summary>Lays <paramref name="table"/> out as a trie. The caller keeps writers out while it reads.</summary>
    public static JiebaWordTable Build(IEnumerable<KeyValuePair<string, int>> table, long generation)
    {
        var levels = new List<List<KeyValuePair<string, int>>>();
        var total = 0;
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
            total++;
        }

        var labels = new char[total];
        var frequencies = new int[total];
        var parents = new int[total];
        var count = 0;
        var roots = new List<(char Label, int Node)>();
        List<(string Key, int Node)> above = [];
        for (var d = 0; d < levels.Count; d++)
        {
            var level = levels[d];
            level.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
            var kept = new List<(string Key, int Node)>(level.Count);
            var p = 0;
            foreach (var (key, frequency) in level)
            {
                var parent = -1;
                if (d > 0)
                {
                    // The key without its last character, among the level above (both sorted).
                    var prefix = key.AsSpan(0, d);
                    while (p < above.Count && prefix.SequenceCompareTo(above[p].Key) > 0)
                    {
                        p++;
                    }

                    if (p == above.Count || !prefix.SequenceEqual(above[p].Key))
                    {
                        continue; // a shorter prefix is missing from the table: Jieba's walk never gets here
                    }

                    parent = above[p].Node;
                }
                else
                {
                    roots.Add((key[0], count));
                }

                labels[count] = key[d];
                frequencies[count] = frequency;
                parents[count] = parent;
                kept.Add((key, count));
                count++;
            }

            above = kept;
        }

        // Children come level by level in their parents' order, so node i's children start after
        // the roots and every child of a node before i.
        var firstChild = new int[count + 1];
        var rootCount = roots.Count;
        for (var node = rootCount; node < count; node++)
        {
            firstChild[parents[node] + 1]++;
        }

        firstChild[0] = rootCount;
        for (var node = 1; node <= count; node++)
        {
            firstChild[node] += firstChild[node - 1];
        }

        var built = new JiebaWordTable(generation, firstChild, labels[..count], frequencies[..count]);
        foreach (var (label, node) in roots)
        {
            built._rootChild[label] = node + 1;
        }

        return built;
    }
}
