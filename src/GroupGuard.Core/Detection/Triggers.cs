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
        var automaton = _automaton;
        ulong found = 0;
        var state = 0;

        // Which patterns were seen, for combinations; on the stack (a few hundred patterns at most, usually).
        var words = _combos.Length == 0 ? 0 : (_bitsOfPattern.Length + 63) >> 6;
        Span<ulong> seen = words <= 64 ? stackalloc ulong[words] : new ulong[words];
        foreach (var c in light)
        {
            state = automaton.Next(state, c); // a digit is read as RequiredLiterals.DigitMark (Build)
            if (!automaton.HasOutputs(state))
            {
                continue;
            }

            foreach (var id in automaton.Outputs(state))
            {
                found |= _bitsOfPattern[id];
                if (words != 0 && (seen[id >> 6] & (1UL << (id & 63))) == 0)
                {
                    seen[id >> 6] |= 1UL << (id & 63);
                    foreach (var combo in _combosOfPattern[id])
                    {
                        var (parts, bit) = _combos[combo];
                        var all = true;
                        foreach (var p in parts)
                        {
                            all &= (seen[p >> 6] & (1UL << (p & 63))) != 0;
                        }

                        if (all)
                        {
                            found |= bit;
                        }
                    }
                }
            }

            if ((found & wanted) == wanted)
            {
                break;
            }
        }

        return found;
    }
}
