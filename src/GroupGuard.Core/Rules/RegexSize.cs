namespace GroupGuard.Core.Rules;

/// <summary>
/// How costly a pattern is to build as a NonBacktracking regex, read before it is built. The
/// engine splits the characters into the classes the pattern tells apart and works through every
/// pair of them, so building grows with the square of the different characters and classes a
/// pattern names: the shipped <c>promo.offer</c> names 284 and takes 0.12 s and 80 MB; 600 take
/// 0.6 s and 330 MB; 1,000 (a word list of 500 pasted in as <c>(词|词|…)</c>) 2.5 s and 690 MB;
/// 4,000, a minute and 11 GB. A rule may name at most <see cref="MaxSymbols"/>; a word list
/// belongs in <c>terms:</c>, which costs nothing of the kind.
/// <para>
/// Counted: each different literal character (a character, or an escape of one such as
/// <c>\u5fae</c> or <c>\.</c>), and each different class (<c>[…]</c> as written, <c>\d</c>,
/// <c>\p{…}</c>, <c>.</c>). A long class counts once: it is one set to the engine, and so is a
/// group whose alternatives are each one character (<c>(一|二|三)</c>), which it reads as
/// <c>[一二三]</c>. Quantifiers, groups, options and group names count nothing. One pass; never throws.
/// </para>
/// </summary>
internal static class RegexSize
{
    /// <summary>The most different characters and classes one regex may name (the shipped packs: 284 at most).</summary>
    public const int MaxSymbols = 400;

    /// <summary>
    /// The longest pattern (the shipped packs: 2,215 characters). The engine refuses an automaton of
    /// more than 10,000 nodes, but only after building it: a pattern of a million letters took 0.9 s
    /// and 270 MB to be refused, 16 million 34 s and 4.6 GB, 200,000 short alternatives 94 s.
    /// </summary>
    public const int MaxLength = 10_000;

    /// <summary>The different characters and classes <paramref name="pattern"/> names.</summary>
    public static int Symbols(string pattern)
    {
        // One frame a group open at this point, the whole pattern at the bottom.
        var groups = new Stack<Frame>();
        groups.Push(new Frame());
        var i = 0;
        while (i < pattern.Length)
        {
            var frame = groups.Peek();
            var c = pattern[i];
            switch (c)
            {
                case '\\':
                    i = Escape(pattern, i, frame);
                    break;
                case '[':
                    var end = ClassEnd(pattern, i);
                    frame.Class(pattern[i..end]);
                    i = end;
                    break;
                case '{' when QuantifierEnd(pattern, i) is { } after:
                    frame.Quantified();
                    i = after;
                    break;
                case '(':
                    i = GroupStartEnd(pattern, i, out var comment);
                    if (!comment)
                    {
                        frame.Group();
                        groups.Push(new Frame());
                    }

                    break;
                case ')':
                    if (groups.Count > 1)
                    {
                        var closed = groups.Pop();
                        closed.EndAlternative();
                        closed.CommitTo(groups.Peek());
                    }

                    i++;
                    break;
                case '|':
                    frame.EndAlternative();
                    i++;
                    break;
                case '.':
                    frame.Class(".");
                    i++;
                    break;
                case '*' or '+' or '?':
                    frame.Quantified();
                    i++;
                    break;
                case '^' or '$':
                    i++;
                    break;
                default:
                    frame.Character(c);
                    i++;
                    break;
            }
        }

        while (groups.Count > 1)
        {
            var unclosed = groups.Pop();
            unclosed.EndAlternative();
            unclosed.CommitTo(groups.Peek());
        }

        var root = groups.Pop();
        root.EndAlternative();
        return root.OnlySingleCharacters ? 1 : root.Characters.Count + root.Classes.Count;
    }

    /// <summary>
    /// What a group (or the whole pattern) names, and whether each of its alternatives is one
    /// character: the engine reads <c>(一|二|三)</c> as the class <c>[一二三]</c>, one set to it.
    /// </summary>
    private sealed class Frame
    {
        private readonly List<char> _singles = [];
        private int _alternatives;
        private bool _allSingle = true;

        // The alternative being read: how many atoms so far, and its character while it is one.
        private int _atoms;
        private char? _single;

        public HashSet<char> Characters { get; } = [];

        public HashSet<string> Classes { get; } = new(StringComparer.Ordinal);

        /// <summary>Two alternatives or more, each one character.</summary>
        public bool OnlySingleCharacters => _allSingle && _alternatives >= 2;

        public void Character(char c)
        {
            Characters.Add(c);
            _single = ++_atoms == 1 ? c : null;
        }

        public void Class(string text)
        {
            Classes.Add(text);
            Other();
        }

        public void Group() => Other();

        public void Quantified() => _single = null;

        public void EndAlternative()
        {
            _alternatives++;
            if (_atoms == 1 && _single is { } c)
            {
                _singles.Add(c);
            }
            else
            {
                _allSingle = false;
            }

            _atoms = 0;
            _single = null;
        }

        /// <summary>Hands what this closed group names to the one around it: one class when it is an alternation of single characters.</summary>
        public void CommitTo(Frame outer)
        {
            if (OnlySingleCharacters)
            {
                _singles.Sort();
                outer.Classes.Add("|" + new string([.. _singles.Distinct()]));
                return;
            }

            outer.Characters.UnionWith(Characters);
            outer.Classes.UnionWith(Classes);
        }

        private void Other()
        {
            _atoms++;
            _single = null;
        }
    }

    /// <summary>Reads the escape at <paramref name="i"/> into a character or a class; returns where it ends.</summary>
    private static int Escape(string pattern, int i, Frame frame)
    {
        if (i + 1 >= pattern.Length)
        {
            return pattern.Length;
        }

        var e = pattern[i + 1];
        switch (e)
        {
            case 'p' or 'P' when i + 2 < pattern.Length && pattern[i + 2] == '{':
                var close = pattern.IndexOf('}', i + 3);
                var end = close < 0 ? pattern.Length : close + 1;
                frame.Class(pattern[i..end]);
                return end;
            case 'd' or 'D' or 'w' or 'W' or 's' or 'S':
                frame.Class(pattern.Substring(i, 2));
                return i + 2;
            case 'b' or 'B' or 'A' or 'z' or 'Z' or 'G':
                return i + 2; // anchors: no character
            case 'u' when i + 6 <= pattern.Length:
                frame.Character(ushort.TryParse(pattern.AsSpan(i + 2, 4), System.Globalization.NumberStyles.HexNumber, null, out var u) ? (char)u : e);
                return i + 6;
            case 'x' when i + 4 <= pattern.Length:
                frame.Character(byte.TryParse(pattern.AsSpan(i + 2, 2), System.Globalization.NumberStyles.HexNumber, null, out var x) ? (char)x : e);
                return i + 4;
            case 'k' when i + 2 < pattern.Length && pattern[i + 2] is '<' or '\'':
                var nameEnd = pattern.IndexOfAny(['>', '\''], i + 3);
                return nameEnd < 0 ? pattern.Length : nameEnd + 1;
            case >= '0' and <= '9':
                var digits = i + 1;
                while (digits < pattern.Length && char.IsAsciiDigit(pattern[digits]))
                {
                    digits++;
                }

                return digits; // a back-reference (refused later) or an octal escape: no new class worth counting
            default:
                frame.Character(e); // \. \n \t \\ …: one character
                return i + 2;
        }
    }

    /// <summary>Where the class opening at <paramref name="start"/> ends (past its <c>]</c>), subtractions included.</summary>
    private static int ClassEnd(string pattern, int start)
    {
        var i = start + 1;
        if (i < pattern.Length && pattern[i] == '^')
        {
            i++;
        }

        if (i < pattern.Length && pattern[i] == ']')
        {
            i++; // a ']' first is a literal
        }

        var depth = 1;
        while (i < pattern.Length)
        {
            switch (pattern[i])
            {
                case '\\':
                    i += 2;
                    continue;
                case '[' when i > 0 && pattern[i - 1] == '-':
                    depth++;
                    break;
                case ']':
                    if (--depth == 0)
                    {
                        return i + 1;
                    }

                    break;
            }

            i++;
        }

        return pattern.Length;
    }

    /// <summary>Past a <c>{n}</c>, <c>{n,}</c> or <c>{n,m}</c> at <paramref name="i"/>; null when the brace is a literal (as .NET reads <c>{,3}</c> or <c>{x}</c>).</summary>
    private static int? QuantifierEnd(string pattern, int i)
    {
        var j = i + 1;
        if (j >= pattern.Length || !char.IsAsciiDigit(pattern[j]))
        {
            return null;
        }

        while (j < pattern.Length && char.IsAsciiDigit(pattern[j]))
        {
            j++;
        }

        if (j < pattern.Length && pattern[j] == ',')
        {
            j++;
            while (j < pattern.Length && char.IsAsciiDigit(pattern[j]))
            {
                j++;
            }
        }

        return j < pattern.Length && pattern[j] == '}' ? j + 1 : null;
    }

    /// <summary>Past a group's opening: <c>(</c>, and what follows a <c>(?</c> up to its body (options, a name, <c>:</c>, <c>=</c>, <c>!</c>); past the whole of a <c>(?#…)</c> comment.</summary>
    private static int GroupStartEnd(string pattern, int i, out bool comment)
    {
        comment = false;
        var j = i + 1;
        if (j >= pattern.Length || pattern[j] != '?')
        {
            return j;
        }

        j++;
        if (j < pattern.Length && pattern[j] == '#')
        {
            comment = true;
            var commentEnd = pattern.IndexOf(')', j);
            return commentEnd < 0 ? pattern.Length : commentEnd + 1;
        }

        if (j < pattern.Length && pattern[j] is '<' or '\'' && j + 1 < pattern.Length && pattern[j + 1] is not ('=' or '!'))
        {
            var nameEnd = pattern.IndexOfAny(['>', '\''], j + 1);
            return nameEnd < 0 ? pattern.Length : nameEnd + 1;
        }

        while (j < pattern.Length && (char.IsAsciiLetter(pattern[j]) || pattern[j] is '-' or '<' or '=' or '!'))
        {
            j++;
        }

        return j < pattern.Length && pattern[j] == ':' ? j + 1 : j;
    }
}
