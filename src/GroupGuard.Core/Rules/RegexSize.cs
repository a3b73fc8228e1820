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
/// <c>[一二三]</c>. Quantifiers, groups, options and group names count nothing. One pass, with the
/// pattern readers of <see cref="RegexFoldCheck"/>; never throws.
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

    /// <summary>
    /// The most the bounds of repetitions nested inside each other may multiply to (the shipped
    /// packs nest none). The engine runs in linear time, but a counted repetition inside a repeated
    /// group makes it track every way the text splits between the repetitions, and each character
    /// then costs about that product: <c>([a-z0-9].{0,30}){12}微信</c> (360) took 32 s on one
    /// 60,000-character message, <c>(…{0,30}){3}</c> (90) 1.5 s, <c>(…{0,8})*</c> 0.5 s,
    /// <c>(…{0,3}){3}</c> (9) and <c>(…{0,4})*</c> (16) a few milliseconds, while one repetition of
    /// any length alone (<c>.{0,360}</c>) stays cheap.
    /// </summary>
    public const int MaxNestedRepetition = 16;

    /// <summary>What <c>*</c>, <c>+</c> or <c>{m,}</c> around a group holding a counted repetition counts for in <see cref="NestedRepetition"/>.</summary>
    private const int UnboundedFactor = 4;

    /// <summary>
    /// The first repetition of a group that holds a counted repetition (<c>(a.{0,30}){12}</c>,
    /// <c>(a.{0,8})*</c>) whose bounds multiply past <see cref="MaxNestedRepetition"/>: the product
    /// (<c>*</c>, <c>+</c> and <c>{m,}</c> count <see cref="UnboundedFactor"/>; a sequence adds its
    /// parts, alternatives take the largest) and the outer quantifier as written; null when none
    /// does. One pass with the pattern readers of <see cref="RegexFoldCheck"/>; never throws.
    /// </summary>
    public static (long Product, string Quantifier)? NestedRepetition(string pattern)
    {
        var groups = new Stack<RepeatFrame>();
        groups.Push(new RepeatFrame());
        var i = 0;
        while (i < pattern.Length)
        {
            var frame = groups.Peek();
            var c = pattern[i];
            switch (c)
            {
                case '\\':
                    frame.Atom(0);
                    i = RegexFoldCheck.ReadEscape(pattern, i, out _, out _);
                    break;
                case '[':
                    frame.Atom(0);
                    i = RegexFoldCheck.SkipClass(pattern, i);
                    break;
                case '(':
                    var ignoreCase = false;
                    i = RegexFoldCheck.ReadGroupStart(pattern, i, ref ignoreCase, out var opens, out _);
                    if (opens)
                    {
                        groups.Push(new RepeatFrame());
                    }

                    break;
                case ')':
                    if (groups.Count > 1)
                    {
                        var closed = groups.Pop();
                        groups.Peek().Atom(closed.Close());
                    }

                    i++;
                    break;
                case '|':
                    frame.EndAlternative();
                    i++;
                    break;
                case '{' or '*' or '+' or '?':
                    var end = c == '{' ? RegexFoldCheck.SkipQuantifier(pattern, i) : i + 1;
                    if (c == '{' && end <= i + 1)
                    {
                        frame.Atom(0); // a literal '{'
                        i++;
                        break;
                    }

                    var written = pattern[i..end];
                    if (frame.Quantify(Bound(written)) is { } product && product > MaxNestedRepetition)
                    {
                        return (product, written);
                    }

                    i = end < pattern.Length && pattern[end] is '?' or '+' ? end + 1 : end; // lazy or possessive
                    break;
                case '^' or '$':
                    i++;
                    break;
                default:
                    frame.Atom(0);
                    i++;
                    break;
            }
        }

        return null;

        // The most times a quantifier repeats what it follows; null when unbounded.
        static long? Bound(string q)
        {
            switch (q)
            {
                case "?":
                    return 1;
                case "*" or "+":
                    return null;
            }

            var body = q[1..^1];
            var comma = body.IndexOf(',', StringComparison.Ordinal);
            var upper = comma < 0 ? body : body[(comma + 1)..];
            return upper.Length == 0 ? null : long.TryParse(upper, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : int.MaxValue;
        }
    }

    /// <summary>A group being read by <see cref="NestedRepetition"/>: the weight of its current alternative, the largest of the closed ones.</summary>
    private sealed class RepeatFrame
    {
        private long _sum;
        private long _max;
        private long? _last; // the weight of the last atom, until a quantifier or the next atom settles it

        public void Atom(long weight)
        {
            Settle();
            _last = weight;
        }

        /// <summary>Applies a quantifier of bound <paramref name="bound"/> (null: unbounded) to the last atom; the nested product when that atom holds a counted repetition.</summary>
        public long? Quantify(long? bound)
        {
            if (_last is not { } inner)
            {
                return null;
            }

            if (bound is not { } times)
            {
                // A loop over a plain atom is cheap (.* keeps few states); over a counted repetition it is not.
                _last = inner > 0 ? Multiply(inner, UnboundedFactor) : 0;
                return inner > 0 ? _last : null;
            }

            if (times <= 1)
            {
                return null;
            }

            _last = Multiply(Math.Max(inner, 1), times);
            return inner > 0 ? _last : null;
        }

        public void EndAlternative()
        {
            Settle();
            _max = Math.Max(_max, _sum);
            _sum = 0;
        }

        public long Close()
        {
            EndAlternative();
            return _max;
        }

        private void Settle()
        {
            if (_last is { } w)
            {
                _sum = Math.Min(_sum + w, int.MaxValue);
                _last = null;
            }
        }

        private static long Multiply(long a, long b) => Math.Min(a * Math.Min(b, int.MaxValue), int.MaxValue);
    }

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
                    var escape = i;
                    i = RegexFoldCheck.ReadEscape(pattern, i, out var literal, out var isClass);
                    if (isClass)
                    {
                        frame.Class(pattern[escape..i]);
                    }
                    else if (literal is { } l)
                    {
                        frame.Character(l);
                    }
                    else if (escape + 1 < pattern.Length && pattern[escape + 1] is 'n' or 'r' or 't' or 'f' or 'v' or 'a' or 'e')
                    {
                        frame.Character(pattern[escape + 1]); // a control character; anchors and back-references name none
                    }

                    break;
                case '[':
                    var end = RegexFoldCheck.SkipClass(pattern, i);
                    frame.Class(pattern[i..end]);
                    i = end;
                    break;
                case '{' when RegexFoldCheck.SkipQuantifier(pattern, i) is var after && after > i + 1:
                    frame.Quantified();
                    i = after;
                    break;
                case '(':
                    var ignoreCase = false;
                    i = RegexFoldCheck.ReadGroupStart(pattern, i, ref ignoreCase, out var opens, out _);
                    if (opens)
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
}
