using System.Globalization;

namespace GroupGuard.Core.Detection;

/// <summary>
/// Strings at least one of which is in every text a pattern matches in. In these strings, and in
/// the text they are looked for in, every decimal digit is written <see cref="RequiredLiterals.DigitMark"/>,
/// so <c>\d折</c> needs the mark then 折, whichever digit it is.
/// </summary>
internal sealed class LiteralSet(IReadOnlyList<string> strings)
{
    public IReadOnlyList<string> Strings { get; } = strings;

    /// <summary>A text without a digit has no match of <c>\d</c>.</summary>
    public static LiteralSet AnyDigit { get; } = new([RequiredLiterals.DigitMark.ToString()]);

    /// <summary>The same set, compared by content: the key under which identical sets share a trigger.</summary>
    public string Key => field ??= string.Join('\u0001', Strings.Order(StringComparer.Ordinal));

    /// <summary>Set once <see cref="RequiredLiterals"/> has dropped the strings that imply others.</summary>
    internal bool IsMinimal { get; init; }

    /// <summary>
    /// Whether <paramref name="text"/> holds one of the strings, digits read as
    /// <see cref="RequiredLiterals.DigitMark"/>; a string of parts joined by
    /// <see cref="RequiredLiterals.And"/> is held when every part is, anywhere.
    /// </summary>
    public bool FoundIn(ReadOnlySpan<char> text)
    {
        var marked = RequiredLiterals.MarkDigits(text);
        return Strings.Any(s => s.Split(RequiredLiterals.And).All(part => marked.Contains(part, StringComparison.Ordinal)));
    }
}

/// <summary>
/// What every match of a .NET regular expression needs in the text it is found in, read from its
/// pattern: <see cref="LiteralSet"/>s, all of which such a text satisfies. The engine runs a regex
/// only on messages where its literals were seen, so a regex rule costs next to nothing on the
/// messages that lack them (most chat).
/// <para>
/// Each part of the pattern is read for the strings its matches are exactly (when few), and for
/// what the text holds just after its start and just before its end, so that neighbours join:
/// <c>(?:一|每)(?:斤|个)</c> needs one of 一斤, 一个, 每斤, 每个, and <c>(?&lt;=\d)折</c> needs a digit
/// right before 折. The reading is conservative: whatever it does not understand (inline options,
/// a conditional, a back-reference, a class too large to list) needs nothing, and a pattern it
/// cannot read at all gives no sets: the regex then runs on every message, as before.
/// </para>
/// </summary>
internal static class RequiredLiterals
{
    /// <summary>How a decimal digit (any <see cref="char.IsDigit(char)"/>) is written in literal sets and in the text they are looked for in.</summary>
    public const char DigitMark = '\uFDD0';

    /// <summary>
    /// Joins the parts of a string of a set that stands for "all of these, anywhere in the text":
    /// 元&amp;# is a 元 and a digit, as <c>\d\s*元</c> needs when the space between is not known.
    /// </summary>
    public const char And = '\uFDD1';

    /// <summary>At most this many strings in a set made of two sets' pairs.</summary>
    private const int MaxPairs = 64;

    /// <summary>At most this many strings in a set of exact matches; past it the set is dropped.</summary>
    private const int MaxExact = 256;

    /// <summary>Strings longer than this are not tracked.</summary>
    private const int MaxLength = 16;

    /// <summary>A class with more characters than this (<c>[a-z]</c> is 26) is "anything".</summary>
    private const int MaxClass = 64;

    /// <summary>At most this many sets are kept per pattern: the most selective.</summary>
    public const int MaxSets = 3;

    /// <summary>Deeper nesting than this is not read (the pattern then requires nothing).</summary>
    private const int MaxDepth = 64;

    // Read once per regex: a reload that reuses a regex (RegexReuse) reuses what was read from it.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<System.Text.RegularExpressions.Regex, IReadOnlyList<LiteralSet>> Read = new();

    /// <summary>The sets every match of <paramref name="regex"/> satisfies (read once per instance); empty when nothing is known.</summary>
    public static IReadOnlyList<LiteralSet> Of(System.Text.RegularExpressions.Regex regex) =>
        Read.GetValue(regex, r => Of(r.ToString()));

    /// <summary>The sets every match of <paramref name="pattern"/> satisfies; empty when nothing is known.</summary>
    public static IReadOnlyList<LiteralSet> Of(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        Info info;
        try
        {
            info = new Parser(pattern).ParseAll();
        }
        catch (UnreadableException)
        {
            return [];
        }

        return Best(Candidates(info), MaxSets, passImplied: true);
    }

    /// <summary><paramref name="text"/> with every decimal digit written as <see cref="DigitMark"/>.</summary>
    public static string MarkDigits(ReadOnlySpan<char> text)
    {
        var chars = text.ToArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsDigit(chars[i]))
            {
                chars[i] = DigitMark;
            }
        }

        return new string(chars);
    }

    private static LiteralSet[] Best(IEnumerable<LiteralSet> sets, int count, bool passImplied = false) =>
        Diverse(sets.Select(Minimal).Where(s => s.Strings.Count > 0), count, passImplied);

    /// <summary>
    /// The most selective sets, at most <paramref name="count"/>, passing over one that shares half
    /// its strings with a set already taken ({元,块,rmb} and {元,块,RMB} say much the same, {#} says
    /// something else); and, when <paramref name="passImplied"/> (the sets a pattern ends with), one
    /// that a set already taken implies: where one of {/个,/人} is, one of {个,人} is too, so the
    /// second says nothing more and would only make every 人 a literal for the walk to find. Within a
    /// pattern (a part's best few, an alternation's seeds) such sets stay: left out there as well,
    /// what was chosen from the rest came out less selective on the shipped packs.
    /// </summary>
    private static LiteralSet[] Diverse(IEnumerable<LiteralSet> sets, int count, bool passImplied = false)
    {
        var taken = new List<LiteralSet>();
        foreach (var set in sets.DistinctBy(s => s.Key).OrderByDescending(Score))
        {
            if (taken.Count == count)
            {
                break;
            }

            if (!taken.Any(t => t.Strings.Count(set.Strings.Contains) * 2 >= Math.Min(t.Strings.Count, set.Strings.Count) || (passImplied && Implies(t, set))))
            {
                taken.Add(set);
            }
        }

        return [.. taken];
    }

    /// <summary>
    /// Whether every text that holds one of <paramref name="a"/>'s strings holds one of
    /// <paramref name="b"/>'s: each string of a has a string of b whose every part (a string joined
    /// by <see cref="And"/> stands for all its parts, anywhere) lies inside one of its own parts.
    /// </summary>
    private static bool Implies(LiteralSet a, LiteralSet b)
    {
        var bParts = b.Strings.Select(t => t.Split(And)).ToArray();
        foreach (var s in a.Strings)
        {
            var parts = s.Split(And);
            if (!bParts.Any(t => t.All(part => parts.Any(own => own.Contains(part, StringComparison.Ordinal)))))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// How selective a set is, by its least selective string (a digit or an ASCII character counts
    /// for less than a hanzi, being more common), then by how few strings it has.
    /// </summary>
    private static (double Rarest, int Fewer) Score(LiteralSet set) =>
        (set.Strings.Count == 0 ? 0 : set.Strings.Min(s => s.Sum(c => c == And ? 0 : c == DigitMark ? 0.4 : c < 128 ? 0.6 : 1.0)), -set.Strings.Count);

    /// <summary>The sets a part needs, its exact matches among them when they hold no empty string.</summary>
    private static List<LiteralSet> Candidates(Info info)
    {
        var sets = new List<LiteralSet>(info.Sets);
        AddSet(sets, info.Exact);
        AddSet(sets, info.Before);
        AddSet(sets, info.After);
        return sets;
    }

    private static void AddSet(List<LiteralSet> sets, HashSet<string>? strings)
    {
        if (strings is { Count: > 0 } && !strings.Contains(""))
        {
            sets.Add(new LiteralSet([.. strings]));
        }
    }

    /// <summary>
    /// The set without strings that imply another of its strings (添加 goes where 加 is; 元&amp;# where
    /// 元 is): each part of the weaker one is inside some part of the stronger.
    /// </summary>
    private static LiteralSet Minimal(LiteralSet set)
    {
        if (set.IsMinimal)
        {
            return set;
        }

        if (!set.Strings.Any(s => s.Contains(And)))
        {
            // Plain strings: look each one's substrings up among those kept (they are short).
            var plain = new HashSet<string>(StringComparer.Ordinal);
            var lookup = plain.GetAlternateLookup<ReadOnlySpan<char>>();
            foreach (var s in set.Strings.Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).OrderBy(s => s.Length).ThenBy(s => s, StringComparer.Ordinal))
            {
                var inside = false;
                for (var from = 0; from < s.Length && !inside; from++)
                {
                    for (var to = from + 1; to <= s.Length && !inside; to++)
                    {
                        inside = lookup.Contains(s.AsSpan(from, to - from));
                    }
                }

                if (!inside)
                {
                    plain.Add(s);
                }
            }

            return new LiteralSet([.. plain.Order(StringComparer.Ordinal)]) { IsMinimal = true };
        }

        var kept = new List<string[]>();
        foreach (var s in set.Strings.Distinct(StringComparer.Ordinal).OrderBy(s => s.Length).ThenBy(s => s, StringComparer.Ordinal))
        {
            // Within one string, a part inside another part says nothing more (咨询&咨 is 咨询).
            var all = s.Split(And).Distinct(StringComparer.Ordinal).ToArray();
            var parts = all.Where(p => !all.Any(q => q.Length > p.Length && q.Contains(p, StringComparison.Ordinal))).ToArray();
            if (s.Length > 0 && !kept.Any(k => k.All(weaker => parts.Any(p => p.Contains(weaker, StringComparison.Ordinal)))))
            {
                kept.Add(parts);
            }
        }

        return new LiteralSet([.. kept.Select(k => string.Join(And, k))]) { IsMinimal = true };
    }

    /// <summary>Every pairing of a string of one set with a string of the other, joined as "both", when few.</summary>
    private static LiteralSet? Both(LiteralSet a, LiteralSet b)
    {
        if ((long)a.Strings.Count * b.Strings.Count > MaxPairs)
        {
            return null;
        }

        return new LiteralSet([.. a.Strings.SelectMany(x => b.Strings.Select(y => x + And + y))]);
    }

    /// <summary>
    /// What is known of a part of a pattern. <see cref="Exact"/>: every string it matches, when few
    /// and short (else null). <see cref="After"/>: what the text holds right after where its match
    /// starts, one of these strings (null: unknown). <see cref="Before"/>: what the text holds right
    /// before where its match ends. <see cref="Sets"/>: what the text holds somewhere (the best few).
    /// After and Before are about the text, not the match, so a lookahead gives After and a
    /// lookbehind gives Before although neither consumes anything.
    /// </summary>
    private sealed class Info
    {
        public Info(HashSet<string>? exact, HashSet<string>? after, HashSet<string>? before, IReadOnlyList<LiteralSet> sets)
        {
            Exact = exact;
            After = Known(after);
            Before = Known(before);
            Sets = sets.Count <= MaxSets * 4 ? sets : Diverse(sets, MaxSets * 2);
        }

        public HashSet<string>? Exact { get; }

        public HashSet<string>? After { get; }

        public HashSet<string>? Before { get; }

        public IReadOnlyList<LiteralSet> Sets { get; }

        /// <summary>True when the part consumes nothing (an anchor, a lookaround).</summary>
        public bool ZeroWidth => Exact is { Count: 1 } e && e.Contains("");

        public static Info Empty { get; } = new(Strings(""), null, null, []);

        public static Info Anything { get; } = new(null, null, null, []);

        public static Info Of(HashSet<string> exact) => new(exact, exact, exact, []);

        // A set with the empty string says nothing about the text.
        private static HashSet<string>? Known(HashSet<string>? set) => set is { Count: > 0 } && !set.Contains("") ? set : null;
    }

    private static HashSet<string> Strings(params string[] strings) => new(strings, StringComparer.Ordinal);

    private static HashSet<string>? Product(HashSet<string>? a, HashSet<string>? b)
    {
        if (a is null || b is null || (long)a.Count * b.Count > MaxExact)
        {
            return null;
        }

        var product = new HashSet<string>(StringComparer.Ordinal);
        foreach (var x in a)
        {
            foreach (var y in b)
            {
                if (x.Length + y.Length > MaxLength)
                {
                    return null;
                }

                product.Add(x + y);
            }
        }

        return product;
    }

    /// <summary>
    /// What the text holds right after the start of <c>a·b</c>: a's match then what follows b's
    /// start, when a's matches are known; else what a says. A zero-width a (a lookahead) and b
    /// both speak of the same place: the more selective is taken.
    /// </summary>
    private static HashSet<string>? After(Info a, Info b)
    {
        if (a.Exact is null)
        {
            return a.After;
        }

        if (a.ZeroWidth)
        {
            return Better(a.After, b.After);
        }

        return Product(a.Exact, b.After) ?? Nonempty(a.Exact) ?? a.After;
    }

    /// <summary>The mirror of <see cref="After(Info, Info)"/>: what the text holds right before the end of <c>a·b</c>.</summary>
    private static HashSet<string>? Before(Info a, Info b)
    {
        if (b.Exact is null)
        {
            return b.Before;
        }

        if (b.ZeroWidth)
        {
            return Better(b.Before, a.Before);
        }

        return Product(a.Before, b.Exact) ?? Nonempty(b.Exact) ?? b.Before;
    }

    private static HashSet<string>? Nonempty(HashSet<string> set) => set.Contains("") ? null : set;

    private static HashSet<string>? Better(HashSet<string>? x, HashSet<string>? y) =>
        x is null ? y : y is null ? x : Score(new LiteralSet([.. x])).CompareTo(Score(new LiteralSet([.. y]))) >= 0 ? x : y;

    private static Info Concat(Info a, Info b)
    {
        var sets = new List<LiteralSet>(a.Sets);
        sets.AddRange(b.Sets);

        // Where a ends and b starts, the text holds what comes before the one then what comes
        // after the other; when that is too much to list, each on its own. What a matches exactly
        // is kept when the whole no longer has exact matches.
        if (Product(a.Before, b.After) is { } meeting)
        {
            AddSet(sets, meeting);
        }
        else
        {
            AddSet(sets, a.Before);
            AddSet(sets, b.After);
        }

        var exact = Product(a.Exact, b.Exact);
        if (exact is null)
        {
            AddSet(sets, a.Exact);
            AddSet(sets, b.Exact);
        }

        return new Info(exact, After(a, b), Before(a, b), sets);
    }

    private static Info Alternate(List<Info> branches)
    {
        if (branches.Count == 1)
        {
            return branches[0];
        }

        HashSet<string>? Union(Func<Info, HashSet<string>?> part)
        {
            var union = new HashSet<string>(StringComparer.Ordinal);
            foreach (var branch in branches)
            {
                if (part(branch) is not { } strings || union.Count + strings.Count > MaxExact)
                {
                    return null;
                }

                union.UnionWith(strings);
            }

            return union;
        }

        var exact = Union(b => b.Exact);
        var after = Union(b => b.After);
        var before = Union(b => b.Before);
        var candidates = branches.Select(b => Candidates(b).Select(Minimal).ToList()).ToList();
        if (candidates.Any(c => c.Count == 0))
        {
            return new Info(exact, after, before, []);
        }

        // Whichever branch matched, one of its sets is in the text: so the union of one set from
        // each branch is needed. Several such unions are kept, each grown from one set of the
        // branch with the most, taking from every other branch its version of that set when it
        // has one, else its most selective (A.*B|B.*A needs both A and B; 加…微信|加…qq needs 加,
        // and one of 微信 or qq).
        var sets = new List<LiteralSet>();
        // Each branch's options: its sets, and both of its two best at once when few (元 and a digit
        // for \d\s*元, whose space between stops them joining).
        var options = candidates.Select(c =>
        {
            var two = Diverse(c, 2);
            return two.Length == 2 && Both(two[0], two[1]) is { } both ? [.. c, Minimal(both)] : c;
        }).ToList();
        var seeds = candidates.MaxBy(c => c.Count)!;
        foreach (var seed in Best(seeds, MaxSets * 2))
        {
            var union = new HashSet<string>(seed.Strings, StringComparer.Ordinal);
            for (var k = 0; k < options.Count; k++)
            {
                if (ReferenceEquals(candidates[k], seeds))
                {
                    continue;
                }

                // An option already in the union costs nothing (the branch's own version of the
                // seed); else the branch's most selective option.
                var own = options[k].FirstOrDefault(t => t.Strings.All(union.Contains)) ?? options[k].MaxBy(Score)!;
                union.UnionWith(own.Strings);
            }

            sets.Add(new LiteralSet([.. union]));
        }

        return new Info(exact, after, before, sets);
    }

    private static Info Repeat(Info atom, int min, int max)
    {
        if (atom.ZeroWidth)
        {
            return Info.Empty; // a repeated anchor or lookaround: read as nothing
        }

        // Exact matches of a bounded repeat (x{2,3}, a?), when few.
        HashSet<string>? exact = null;
        if (atom.Exact is not null && max != int.MaxValue && max <= MaxLength)
        {
            exact = new HashSet<string>(StringComparer.Ordinal);
            var power = Info.Empty.Exact;
            for (var k = 0; k <= max; k++)
            {
                if (power is null)
                {
                    exact = null;
                    break;
                }

                if (k >= min)
                {
                    exact.UnionWith(power);
                    if (exact.Count > MaxExact)
                    {
                        exact = null;
                        break;
                    }
                }

                if (k < max)
                {
                    power = Product(power, atom.Exact);
                }
            }
        }

        if (min == 0)
        {
            return new Info(exact, null, null, []);
        }

        // At least once: whatever one copy needs, the first copies' exact matches, and where two meet.
        var sets = new List<LiteralSet>(atom.Sets);
        var first = Info.Empty.Exact;
        for (var k = 0; k < min && first is not null; k++)
        {
            first = Product(first, atom.Exact);
        }

        AddSet(sets, first);
        if (min >= 2)
        {
            AddSet(sets, Product(atom.Before, atom.After));
        }

        return new Info(exact, atom.After, atom.Before, sets);
    }

    private sealed class UnreadableException : Exception;

    /// <summary>A recursive-descent reader of .NET regex syntax, for what it needs only.</summary>
    private sealed class Parser(string pattern)
    {
        private int _at;
        private int _depth;

        public Info ParseAll()
        {
            var info = Alternation();
            if (_at != pattern.Length)
            {
                throw new UnreadableException(); // an unbalanced ')'
            }

            return info;
        }

        private char Peek => _at < pattern.Length ? pattern[_at] : '\0';

        private bool More => _at < pattern.Length;

        private Info Alternation()
        {
            if (++_depth > MaxDepth)
            {
                throw new UnreadableException();
            }

            var branches = new List<Info> { Sequence() };
            while (More && Peek == '|')
            {
                _at++;
                branches.Add(Sequence());
            }

            _depth--;
            return Alternate(branches);
        }

        private Info Sequence()
        {
            var info = Info.Empty;
            while (More && Peek is not '|' and not ')')
            {
                info = Concat(info, Quantified(Atom()));
            }

            return info;
        }

        private Info Quantified(Info atom)
        {
            int min, max;
            switch (Peek)
            {
                case '*':
                    (min, max) = (0, int.MaxValue);
                    _at++;
                    break;
                case '+':
                    (min, max) = (1, int.MaxValue);
                    _at++;
                    break;
                case '?':
                    (min, max) = (0, 1);
                    _at++;
                    break;
                case '{' when TryBraces(out min, out max):
                    break;
                default:
                    return atom;
            }

            if (Peek == '?')
            {
                _at++; // lazy: the same strings
            }

            if (Peek is '*' or '+' or '?' || (Peek == '{' && TryBraces(out _, out _)))
            {
                throw new UnreadableException(); // a nested quantifier .NET refuses
            }

            return Repeat(atom, min, max);
        }

        /// <summary>{n}, {n,} or {n,m} at the cursor (moving past it); anything else is a literal brace.</summary>
        private bool TryBraces(out int min, out int max)
        {
            min = max = 0;
            var close = pattern.IndexOf('}', _at);
            if (close < 0)
            {
                return false;
            }

            var body = pattern.AsSpan(_at + 1, close - _at - 1);
            var comma = body.IndexOf(',');
            var low = comma < 0 ? body : body[..comma];
            if (!int.TryParse(low, NumberStyles.None, CultureInfo.InvariantCulture, out min))
            {
                return false;
            }

            if (comma < 0)
            {
                max = min;
            }
            else if (body[(comma + 1)..].IsEmpty)
            {
                max = int.MaxValue;
            }
            else if (!int.TryParse(body[(comma + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out max) || max < min)
            {
                return false;
            }

            _at = close + 1;
            return true;
        }

        private Info Atom()
        {
            var c = pattern[_at++];
            return c switch
            {
                '(' => Group(),
                '[' => Class(),
                '.' => Info.Anything,
                '^' or '$' => Info.Empty,
                '\\' => Escape(),
                '*' or '+' or '?' => throw new UnreadableException(), // a quantifier with nothing before it
                _ => Literal(c),
            };
        }

        private static Info Literal(char c) => Info.Of(Strings((char.IsDigit(c) ? DigitMark : c).ToString()));

        private Info Group()
        {
            if (Peek != '?')
            {
                return Closed(Alternation());
            }

            _at++;
            var c = Peek;
            if (c == ':' || c == '>')
            {
                // (?:…), and (?>…) whose matches are some of what its body matches.
                _at++;
                return Closed(Alternation());
            }

            if (c is '=' or '!' || (c == '<' && _at + 1 < pattern.Length && pattern[_at + 1] is '=' or '!'))
            {
                // A lookaround consumes nothing. A positive one says what the text holds there
                // ((?<=\d)折 needs a digit right before 折); a negative one says nothing.
                var behind = c == '<';
                var positive = (behind ? pattern[_at + 1] : c) == '=';
                _at += behind ? 2 : 1;
                var inner = Closed(Alternation());
                if (!positive)
                {
                    return Info.Empty;
                }

                return behind
                    ? new Info(Info.Empty.Exact, null, inner.Before ?? inner.Exact, Candidates(inner))
                    : new Info(Info.Empty.Exact, inner.After ?? inner.Exact, null, Candidates(inner));
            }

            if (c is '<' or '\'')
            {
                // A named group, (?<name>…) or (?'name'…); a balancing group (?<a-b>…) is not read.
                var close = pattern.IndexOf(c == '<' ? '>' : '\'', _at + 1);
                if (close < 0 || pattern.AsSpan(_at + 1, close - _at - 1).Contains('-'))
                {
                    throw new UnreadableException();
                }

                _at = close + 1;
                return Closed(Alternation());
            }

            if (c == '#')
            {
                var close = pattern.IndexOf(')', _at);
                if (close < 0)
                {
                    throw new UnreadableException();
                }

                _at = close + 1;
                return Info.Empty;
            }

            // Inline options ((?i), (?i:…)) and conditionals change what literals mean: not read.
            throw new UnreadableException();
        }

        private Info Closed(Info inner)
        {
            if (Peek != ')')
            {
                throw new UnreadableException();
            }

            _at++;
            return inner;
        }

        private Info Escape()
        {
            if (!More)
            {
                throw new UnreadableException();
            }

            var c = pattern[_at++];
            switch (c)
            {
                case 'd':
                    return Info.Of(Strings(DigitMark.ToString()));
                case 'D':
                case 'w':
                case 'W':
                case 's':
                case 'S':
                    return Info.Anything;
                case 'p':
                case 'P':
                    SkipBraces();
                    return Info.Anything;
                case 'b':
                case 'B':
                case 'A':
                case 'z':
                case 'Z':
                case 'G':
                    return Info.Empty;
                default:
                    return Literal(EscapedChar(c));
            }
        }

        private void SkipBraces()
        {
            var close = Peek == '{' ? pattern.IndexOf('}', _at) : -1;
            if (close < 0)
            {
                throw new UnreadableException();
            }

            _at = close + 1;
        }

        /// <summary>The character an escape stands for; back-references, octal and control escapes are not read.</summary>
        private char EscapedChar(char c)
        {
            switch (c)
            {
                case 'n': return '\n';
                case 't': return '\t';
                case 'r': return '\r';
                case 'f': return '\f';
                case 'v': return '\v';
                case 'e': return '\u001B';
                case 'a': return '\u0007';
                case 'x': return Hex(2);
                case 'u': return Hex(4);
                case 'k':
                case 'c':
                case >= '0' and <= '9':
                    throw new UnreadableException();
                default:
                    if (char.IsAsciiLetter(c))
                    {
                        throw new UnreadableException(); // an escape this reader does not know
                    }

                    return c;
            }
        }

        private char Hex(int digits)
        {
            if (_at + digits > pattern.Length
                || !int.TryParse(pattern.AsSpan(_at, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
            {
                throw new UnreadableException();
            }

            _at += digits;
            return (char)value;
        }

        private Info Class()
        {
            var negated = Peek == '^';
            if (negated)
            {
                _at++;
            }

            var chars = new HashSet<char>();
            var anything = negated;
            var first = true;
            while (true)
            {
                if (!More)
                {
                    throw new UnreadableException();
                }

                var c = pattern[_at++];
                if (c == ']' && !first)
                {
                    break;
                }

                first = false;
                if (c == '-' && Peek == '[')
                {
                    // A subtraction ([a-z-[aeiou]]) ends the class and only narrows it: the class
                    // is read as its base, a superset, which needs no less of a matching text.
                    _at++;
                    Class();
                    if (Peek != ']')
                    {
                        throw new UnreadableException();
                    }

                    _at++;
                    break;
                }

                char low;
                if (c == '\\')
                {
                    if (!More)
                    {
                        throw new UnreadableException();
                    }

                    var e = pattern[_at++];
                    if (e == 'd')
                    {
                        chars.Add(DigitMark);
                        continue;
                    }

                    if (e is 'D' or 'w' or 'W' or 's' or 'S')
                    {
                        anything = true;
                        continue;
                    }

                    if (e is 'p' or 'P')
                    {
                        SkipBraces();
                        anything = true;
                        continue;
                    }

                    low = e == 'b' ? '\b' : EscapedChar(e);
                }
                else
                {
                    low = c;
                }

                var high = low;
                // -[ after a character starts a subtraction, not a range to [ ([a1-[1]] is a and 1, less 1).
                if (Peek == '-' && _at + 1 < pattern.Length && pattern[_at + 1] is not (']' or '['))
                {
                    _at++;
                    var h = pattern[_at++];
                    if (h == '\\')
                    {
                        if (!More)
                        {
                            throw new UnreadableException();
                        }

                        h = EscapedChar(pattern[_at++]);
                    }

                    high = h;
                    if (high < low)
                    {
                        throw new UnreadableException();
                    }
                }

                if (high - low >= MaxClass)
                {
                    anything = true;
                    continue;
                }

                for (var x = low; x <= high && x != char.MaxValue; x++)
                {
                    chars.Add(char.IsDigit(x) ? DigitMark : x);
                }

                if (high == char.MaxValue)
                {
                    chars.Add(high);
                }

                if (chars.Count > MaxClass)
                {
                    anything = true;
                }
            }

            return anything ? Info.Anything : Info.Of(chars.Select(x => x.ToString()).ToHashSet(StringComparer.Ordinal));
        }
    }
}
