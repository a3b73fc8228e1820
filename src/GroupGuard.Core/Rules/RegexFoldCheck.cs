using System.Globalization;
using System.Text;
using GroupGuard.Core.Text;

namespace GroupGuard.Core.Rules;

/// <summary>
/// Characters a regex rule spells that the text it runs on never holds. Regexes read the message
/// folded (<see cref="TextFolder.FoldLight"/>): there 薇 is already 微 when variants.txt says so,
/// Ａ is a, 搶 is 抢. A regex that writes 薇信 can then never match, and nothing else says so.
/// <para>
/// Read from the pattern conservatively, so that what it reports is certain: literal characters
/// and <c>\uXXXX</c>/<c>\xXX</c> escapes outside classes, and in a class only a character whose
/// folded form the class does not also hold. A negated class, a class with a class escape
/// (<c>\w</c>, <c>\p{…}</c>) or a subtraction, and a pattern with the <c>x</c> option are passed
/// over; with the <c>i</c> option anywhere, a character whose fold only changes its case is not reported.
/// Nor is one in an alternative that, folded, another alternative of its group already writes:
/// <c>(微信|薇信)</c> loses nothing.
/// </para>
/// </summary>
internal static class RegexFoldCheck
{
    /// <summary>Each character of <paramref name="pattern"/> (once) that the fold writes otherwise, with what it writes ("" when it drops it).</summary>
    public static IReadOnlyList<(char Written, string Folded)> DeadCharacters(string pattern, TextFolder folder)
    {
        var walk = new Walk(pattern, folder);
        var ignoreCase = false;
        var i = 0;
        while (i < pattern.Length)
        {
            var c = pattern[i];
            switch (c)
            {
                case '\\':
                    var escape = i;
                    i = ReadEscape(pattern, i, out var literal, out _);
                    if (literal is { } l)
                    {
                        walk.Check(l, escape, i);
                    }

                    break;
                case '[':
                    i = ReadClass(pattern, i, walk);
                    break;
                case '(':
                    i = ReadGroupStart(pattern, i, ref ignoreCase, out var opens, out var freeSpacing);
                    if (freeSpacing)
                    {
                        // Whitespace and # comments mean something else: do not guess.
                        return [];
                    }

                    if (opens)
                    {
                        walk.Open(i);
                    }

                    break;
                case '|':
                    walk.Alternative(i);
                    i++;
                    break;
                case ')':
                    walk.Close(i);
                    i++;
                    break;
                case '{':
                    i = SkipQuantifier(pattern, i);
                    break;
                case '.' or '^' or '$' or '*' or '+' or '?':
                    i++;
                    break;
                default:
                    walk.Check(c, i, i + 1);
                    i++;
                    break;
            }
        }

        walk.End();
        var seen = new HashSet<char>();
        var dead = new List<(char, string)>();
        foreach (var candidate in walk.Candidates)
        {
            if (!seen.Contains(candidate.Written)
                && !(ignoreCase && OnlyCase(candidate.Written, candidate.Folded))
                && !walk.Redundant(candidate))
            {
                seen.Add(candidate.Written);
                dead.Add((candidate.Written, candidate.Folded));
            }
        }

        return dead;
    }

    /// <summary>An alternation (a group, or the whole pattern): its alternatives as ranges of the pattern.</summary>
    private sealed class Group(int start)
    {
        public List<(int Start, int End)> Alternatives { get; } = [];

        /// <summary>Where the alternative being read begins.</summary>
        public int AlternativeStart { get; set; } = start;

        /// <summary>The alternatives as written, once asked for.</summary>
        public HashSet<string>? Texts { get; set; }
    }

    /// <summary>
    /// A character as written at [<see cref="Start"/>, <see cref="End"/>) of the pattern, what the
    /// fold writes for it, and the alternative it stands in of each group around it, innermost first
    /// (null when that was past the budget).
    /// </summary>
    private readonly record struct Candidate(char Written, string Folded, int Start, int End, (Group Group, int Alternative)[]? Within);

    /// <summary>
    /// The state of one reading: the groups open, the candidates found, and a budget of work for
    /// <see cref="Redundant"/> (a warning is advice: a pattern built to make this slow gets none
    /// rather than a stall).
    /// </summary>
    private sealed class Walk(string pattern, TextFolder folder)
    {
        private const int Budget = 4_000_000;

        private readonly Stack<Group> _open = new([new Group(0)]);
        private readonly Dictionary<(int, int), string> _folded = [];
        private int _budget = Budget;

        public TextFolder Folder => folder;

        public List<Candidate> Candidates { get; } = [];

        public void Open(int start) => _open.Push(new Group(start));

        public void Alternative(int at)
        {
            var group = _open.Peek();
            group.Alternatives.Add((group.AlternativeStart, at));
            group.AlternativeStart = at + 1;
        }

        public void Close(int at)
        {
            if (_open.Count > 1)
            {
                var group = _open.Pop();
                group.Alternatives.Add((group.AlternativeStart, at));
            }
        }

        public void End()
        {
            while (_open.Count > 0)
            {
                var group = _open.Pop();
                group.Alternatives.Add((group.AlternativeStart, pattern.Length));
            }
        }

        public void Check(char c, int start, int end)
        {
            var folded = Folded(c, folder);
            if (folded.Length == 1 && folded[0] == c)
            {
                return;
            }

            _budget -= _open.Count;
            var within = _budget < 0 ? null : _open.Select(g => (g, g.Alternatives.Count)).ToArray();
            Candidates.Add(new Candidate(c, folded, start, end, within));
        }

        /// <summary>
        /// Whether an alternative holding <paramref name="dead"/>, folded, is written as another
        /// alternative of its group: (微信|薇信) loses nothing when 薇 never occurs.
        /// </summary>
        public bool Redundant(Candidate dead)
        {
            if (dead.Within is null)
            {
                return true;
            }

            foreach (var (group, index) in dead.Within)
            {
                var (start, end) = group.Alternatives[index];
                if (group.Texts is null)
                {
                    _budget -= group.Alternatives.Sum(a => a.End - a.Start);
                    if (_budget < 0)
                    {
                        return true;
                    }

                    group.Texts = [.. group.Alternatives.Select(a => pattern[a.Start..a.End])];
                }

                if (!_folded.TryGetValue((start, end), out var text))
                {
                    _budget -= end - start;
                    if (_budget < 0)
                    {
                        return true;
                    }

                    var builder = new StringBuilder(end - start);
                    var at = start;
                    for (var k = FirstAtOrAfter(start); k < Candidates.Count && Candidates[k].End <= end; k++)
                    {
                        builder.Append(pattern, at, Candidates[k].Start - at).Append(Candidates[k].Folded);
                        at = Candidates[k].End;
                    }

                    text = builder.Append(pattern, at, end - at).ToString();
                    _folded[(start, end)] = text;
                }

                // Another alternative: this one's own text differs from its folded form.
                if (group.Texts.Contains(text))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>The index of the first candidate (they are in pattern order) that starts at or after <paramref name="start"/>.</summary>
        private int FirstAtOrAfter(int start)
        {
            int low = 0, high = Candidates.Count;
            while (low < high)
            {
                var mid = (low + high) / 2;
                if (Candidates[mid].Start < start)
                {
                    low = mid + 1;
                }
                else
                {
                    high = mid;
                }
            }

            return low;
        }
    }

    /// <summary>A warning's text for one dead character of rule <paramref name="ruleId"/>.</summary>
    public static string Describe(string ruleId, char written, string folded) =>
        folded.Length == 0
            ? $"rule '{ruleId}': the regex writes {Show(written)}, which the text regexes read never holds: the fold drops it; leave it out"
            : $"rule '{ruleId}': the regex writes {Show(written)}, which the text regexes read never holds: the fold writes it {Show(folded)}"
              + (TextFolder.Plain.FoldLight(written.ToString()).Text.SequenceEqual(written.ToString()) ? $" ({RuleLoader.VariantsFile})" : "")
              + $"; write {Show(folded)} instead";

    private static string Show(char c) => Show(c.ToString());

    private static string Show(string s) =>
        s.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.Surrogate)
            ? string.Join(' ', s.Select(c => $"U+{(int)c:X4}"))
            : $"'{s}'";

    private static bool OnlyCase(char written, string folded) =>
        folded.Length == 1 && (char.ToLowerInvariant(written) == folded[0] || char.ToUpperInvariant(written) == folded[0]);

    private static string Folded(char c, TextFolder folder) =>
        char.IsSurrogate(c) ? c.ToString() : folder.FoldLight(c.ToString()).Text.ToString();

    /// <summary>
    /// Past the escape at <paramref name="at"/>: <paramref name="literal"/> is the character it
    /// stands for when it stands for one (<c>\.</c>, <c>\u62A2</c>), <paramref name="isClass"/>
    /// whether it stands for a class of characters (<c>\d</c>, <c>\p{L}</c>).
    /// </summary>
    internal static int ReadEscape(string p, int at, out char? literal, out bool isClass)
    {
        literal = null;
        isClass = false;
        if (at + 1 >= p.Length)
        {
            return p.Length;
        }

        var e = p[at + 1];
        switch (e)
        {
            case 'd' or 'D' or 'w' or 'W' or 's' or 'S':
                isClass = true;
                return at + 2;
            case 'p' or 'P':
                isClass = true;
                var close = p.IndexOf('}', at);
                return close < 0 ? p.Length : close + 1;
            case 'k':
                var end = p.IndexOfAny(['>', '\''], at);
                return end < 0 ? p.Length : end + 1;
            case 'u' when Hex(p, at + 2, 4) is { } u:
                literal = u;
                return at + 6;
            case 'x' when Hex(p, at + 2, 2) is { } x:
                literal = x;
                return at + 4;
            case 'c':
                return Math.Min(p.Length, at + 3);
            case 'n' or 'r' or 't' or 'f' or 'v' or 'a' or 'e' or 'b' or 'B' or 'A' or 'z' or 'Z' or 'G':
                return at + 2;
            default:
                if (char.IsAsciiDigit(e))
                {
                    // A back-reference or an octal code: not a character as written.
                    var j = at + 1;
                    while (j < p.Length && char.IsAsciiDigit(p[j]))
                    {
                        j++;
                    }

                    return j;
                }

                literal = e;
                return at + 2;
        }
    }

    private static char? Hex(string p, int at, int digits) =>
        at + digits <= p.Length && int.TryParse(p.AsSpan(at, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var v)
            ? (char)v
            : null;

    /// <summary>Past the class at <paramref name="at"/>; reports its characters that are dead (see the class summary).</summary>
    private static int ReadClass(string p, int at, Walk walk)
    {
        var i = at + 1;
        var negated = i < p.Length && p[i] == '^';
        if (negated)
        {
            i++;
        }

        var singles = new List<(char C, int Start, int End)>();
        var ranges = new List<(char From, char To)>();
        var unread = negated;
        var first = true;
        while (i < p.Length && (p[i] != ']' || first))
        {
            first = false;
            var itemStart = i;
            char? item;
            if (p[i] == '\\')
            {
                i = ReadEscape(p, i, out item, out var isClass);
                unread |= isClass || item is null;
            }
            else if (p[i] == '-' && i + 1 < p.Length && p[i + 1] == '[')
            {
                // A subtraction, [a-z-[aeiou]]: past its inner class and the outer close.
                unread = true;
                i = SkipClass(p, i + 1);
                continue;
            }
            else
            {
                item = p[i++];
            }

            if (item is not { } from)
            {
                continue;
            }

            if (i + 1 < p.Length && p[i] == '-' && p[i + 1] != ']' && p[i + 1] != '[')
            {
                char? to;
                if (p[i + 1] == '\\')
                {
                    i = ReadEscape(p, i + 1, out to, out _);
                }
                else
                {
                    to = p[i + 1];
                    i += 2;
                }

                if (to is { } t)
                {
                    ranges.Add((from, t));
                }
                else
                {
                    unread = true;
                }

                continue;
            }

            singles.Add((from, itemStart, i));
        }

        if (!unread)
        {
            foreach (var (c, start, end) in singles)
            {
                var folded = Folded(c, walk.Folder);
                var held = folded.Length == 1 && (singles.Any(s => s.C == folded[0]) || ranges.Any(r => r.From <= folded[0] && folded[0] <= r.To));
                if (!held)
                {
                    walk.Check(c, start, end);
                }
            }
        }

        return Math.Min(p.Length, i + 1);
    }

    /// <summary>Past the class at <paramref name="at"/>, the classes subtracted inside it included (read without recursion).</summary>
    internal static int SkipClass(string p, int at)
    {
        var depth = 1;
        var i = at + 1;
        var first = true;
        if (i < p.Length && p[i] == '^')
        {
            i++;
        }

        while (i < p.Length)
        {
            var c = p[i];
            if (c == '\\')
            {
                i = ReadEscape(p, i, out _, out _);
                first = false;
            }
            else if (c == ']' && !first)
            {
                i++;
                if (--depth == 0)
                {
                    return i;
                }
            }
            else if (c == '-' && i + 1 < p.Length && p[i + 1] == '[')
            {
                depth++;
                i += 2;
                first = true;
                if (i < p.Length && p[i] == '^')
                {
                    i++;
                }
            }
            else
            {
                first = false;
                i++;
            }
        }

        return p.Length;
    }

    /// <summary>
    /// Past a group's opening (its name, options or comment): <paramref name="opens"/> unless it
    /// was all there is of it (<c>(?i)</c>, <c>(?#…)</c>); <paramref name="ignoreCase"/> set when
    /// it turns on <c>i</c>.
    /// </summary>
    internal static int ReadGroupStart(string p, int at, ref bool ignoreCase, out bool opens, out bool freeSpacing)
    {
        freeSpacing = false;
        opens = true;
        if (at + 1 >= p.Length || p[at + 1] != '?')
        {
            return at + 1;
        }

        var i = at + 2;
        if (i >= p.Length)
        {
            return i;
        }

        switch (p[i])
        {
            case '#':
                opens = false;
                var close = p.IndexOf(')', i);
                return close < 0 ? p.Length : close + 1;
            case ':' or '=' or '!' or '>':
                return i + 1;
            case '<' when i + 1 < p.Length && p[i + 1] is '=' or '!':
                return i + 2;
            case '<' or '\'':
                var end = p.IndexOf(p[i] == '<' ? '>' : '\'', i + 1);
                return end < 0 ? p.Length : end + 1;
            case '(':
                // A conditional: its test is read as a group of its own.
                return i;
        }

        var on = true;
        while (i < p.Length && p[i] is not (':' or ')'))
        {
            switch (p[i])
            {
                case '-':
                    on = false;
                    break;
                case 'i' when on:
                    ignoreCase = true;
                    break;
                case 'x' when on:
                    freeSpacing = true;
                    break;
            }

            i++;
        }

        opens = i < p.Length && p[i] == ':';
        return Math.Min(p.Length, i + 1);
    }

    /// <summary>
    /// Past <c>{n}</c>, <c>{n,}</c> or <c>{n,m}</c>; a brace that opens none of these is a literal
    /// (as .NET reads <c>{,3}</c> or <c>{x}</c>), and then the result is <paramref name="at"/> + 1.
    /// </summary>
    internal static int SkipQuantifier(string p, int at)
    {
        var i = at + 1;
        if (i >= p.Length || !char.IsAsciiDigit(p[i]))
        {
            return at + 1;
        }

        while (i < p.Length && char.IsAsciiDigit(p[i]))
        {
            i++;
        }

        if (i < p.Length && p[i] == ',')
        {
            i++;
            while (i < p.Length && char.IsAsciiDigit(p[i]))
            {
                i++;
            }
        }

        return i < p.Length && p[i] == '}' ? i + 1 : at + 1;
    }
}
