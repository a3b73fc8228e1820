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

    private Triggers(Automaton automaton, ulong[] bitsOfPattern, ulong[] needs)
    {
        _automaton = automaton;
        _bitsOfPattern = bitsOfPattern;
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
        for (var bit = 0; bit < sets.Count; bit++)
        {
            foreach (var s in sets[bit].Strings)
            {
                if (!index.TryGetValue(s, out var id))
                {
                    id = patterns.Count;
                    index[s] = id;
                    patterns.Add(s);
                    bits.Add(0);
                }

                bits[id] |= 1UL << bit;
            }
        }

        return new Triggers(Automaton.Build(patterns), [.. bits], needs);
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
        foreach (var c in light)
        {
            state = automaton.Next(state, char.IsDigit(c) ? RequiredLiterals.DigitMark : c);
            if (automaton.HasOutputs(state))
            {
                foreach (var id in automaton.Outputs(state))
                {
                    found |= _bitsOfPattern[id];
                }

                if ((found & wanted) == wanted)
                {
                    break;
                }
            }
        }

        return found;
    }
}
