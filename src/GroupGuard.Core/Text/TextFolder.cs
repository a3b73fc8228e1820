using System.Text;

namespace GroupGuard.Core.Text;

/// <summary>
/// A message folded for matching: the characters that count, each with the span of the original
/// text it came from, and what was skipped before it. Reused per thread; read it before the next fold.
/// </summary>
internal sealed class FoldedText
{
    public char[] Chars = new char[256];
    public int[] Start = new int[256];
    public int[] End = new int[256];

    /// <summary>Per folded char: interference characters skipped just before it (capped at 255).</summary>
    public byte[] Gap = new byte[256];

    /// <summary>Per folded char: a clause break (。，！？：, line break, a face or mention) was among those skipped.</summary>
    public bool[] ClauseBefore = new bool[256];

    /// <summary>Per folded char: a sentence break (。！？；, line break, a face or mention) was among those skipped; implies <see cref="ClauseBefore"/>.</summary>
    public bool[] SentenceBefore = new bool[256];

    /// <summary>Per folded char: how many copies in a row it stands for (傻傻 → 傻 ×2; capped at 255).</summary>
    public byte[] Run = new byte[256];

    /// <summary>
    /// Per folded char, and one past the last: a mention (@name) was among the characters skipped
    /// before it. Set only when a message is folded.
    /// </summary>
    public bool[] MentionBefore = new bool[257];

    public int Count;

    public ReadOnlySpan<char> Text => Chars.AsSpan(0, Count);

    public override string ToString() => new(Chars, 0, Count);

    public void Clear() => Count = 0;

    public void EnsureCapacity(int needed)
    {
        if (needed <= Chars.Length)
        {
            return;
        }

        var size = Math.Max(needed, Chars.Length * 2);
        Array.Resize(ref Chars, size);
        Array.Resize(ref Start, size);
        Array.Resize(ref End, size);
        Array.Resize(ref Gap, size);
        Array.Resize(ref ClauseBefore, size);
        Array.Resize(ref SentenceBefore, size);
        Array.Resize(ref Run, size);
        Array.Resize(ref MentionBefore, size + 1);
    }
}

/// <summary>
/// A view of a message that regex rules read, reused per thread: its light fold
/// (<see cref="TextFolder.FoldLight"/>), or the light fold without the interference a spammer puts
/// inside and between words (<see cref="TextFolder.Compact"/>). Each character spans the original
/// text from <c>Map</c> to <c>End</c>; <c>Map</c> also holds the text's length after the last
/// character of a light fold.
/// </summary>
internal sealed class LightText
{
    public char[] Chars = new char[256];
    public int[] Map = new int[257];
    public int[] End = new int[256];
    public int Count;

    public ReadOnlySpan<char> Text => Chars.AsSpan(0, Count);

    public void Reset(int capacity)
    {
        Count = 0;
        if (Chars.Length < capacity)
        {
            Chars = new char[capacity];
            Map = new int[capacity + 1];
            End = new int[capacity];
        }
    }

    /// <summary>A character of the light fold; its end is set once the fold is written (the next one's start).</summary>
    public void Add(char c, int origin)
    {
        if (Count == Chars.Length)
        {
            Grow();
        }

        Chars[Count] = c;
        Map[Count++] = origin;
    }

    /// <summary>
    /// A character of the compact text, whose span is not up to the next one's (what lies between
    /// was left out). The compact text can be longer than the light fold it is made from: the line
    /// break written where more than <see cref="Detection.DetectionEngine.MaxGap"/> pieces of
    /// interference stand in a row is extra when clause breaks (kept) are among them (！！！…！a).
    /// </summary>
    public void Add(char c, int start, int end)
    {
        if (Count == Chars.Length)
        {
            Grow();
        }

        Chars[Count] = c;
        Map[Count] = start;
        End[Count++] = end;
    }

    private void Grow()
    {
        Array.Resize(ref Chars, Chars.Length * 2);
        Array.Resize(ref Map, Chars.Length + 1);
        Array.Resize(ref End, Chars.Length);
    }
}

/// <summary>
/// Folds text for matching, the same way for rule terms and for messages: NFKC, lower case,
/// traditional → simplified, the rule set's variants (薇 → 微; a lone v between hanzi → 微),
/// zero-width characters dropped, interference (spaces, punctuation, symbols, emoji) left out with
/// a note of where it was, and a hanzi repeated in a row kept once (傻傻逼逼 → 傻逼).
/// Immutable; one per rule-set version.
/// </summary>
internal sealed class TextFolder
{
    [ThreadStatic]
    private static FoldedText? t_buffer;

    // FoldToString's own buffer, for texts up to StringBufferLength characters.
    [ThreadStatic]
    private static FoldedText? t_stringBuffer;

    private const int StringBufferLength = 1024;

    private readonly uint[] _table;
    private readonly Dictionary<char, char> _latin;

    private TextFolder(uint[] table, Dictionary<char, char> latin)
    {
        _table = table;
        _latin = latin;
    }

    /// <summary>Folding with no variants.</summary>
    public static TextFolder Plain { get; } = new(CharTables.Base, []);

    /// <summary>Lines in a row, each of one character, past which their breaks join them (竖排).</summary>
    internal const int MinVerticalLines = 3;

    [ThreadStatic]
    private static List<int>? t_vertical;

    /// <summary>
    /// The line breaks of <paramref name="text"/> that only stack single characters, as a message
    /// written top to bottom does (出⏎售⏎冰⏎毒): in a run of <see cref="MinVerticalLines"/> or more
    /// lines that each hold one character besides interference, the breaks between them (a \r before
    /// a \n too) join the lines instead of ending a clause. Ascending offsets in this thread's list;
    /// null when there are none (most messages hold no line break at all).
    /// </summary>
    internal List<int>? VerticalBreaks(ReadOnlySpan<char> text)
    {
        if (text.IndexOf('\n') < 0)
        {
            return null;
        }

        List<int>? joins = null;
        var lineStart = 0;
        var runLines = 0;
        var runFirstBreak = -1; // the break that ends the run's first line
        while (lineStart <= text.Length)
        {
            var length = text[lineStart..].IndexOf('\n');
            var lineEnd = length < 0 ? text.Length : lineStart + length;
            if (CountsOne(text[lineStart..lineEnd]))
            {
                if (runLines++ == 0)
                {
                    runFirstBreak = lineEnd;
                }
            }
            else
            {
                Close(text, runLines, runFirstBreak, lineStart, ref joins);
                runLines = 0;
            }

            if (length < 0)
            {
                Close(text, runLines, runFirstBreak, text.Length + 1, ref joins);
                break;
            }

            lineStart = lineEnd + 1;
        }

        return joins;

        // The run's lines end where the line after it starts (nextLineStart - 1 is its break).
        static void Close(ReadOnlySpan<char> text, int lines, int firstBreak, int nextLineStart, ref List<int>? joins)
        {
            if (lines < MinVerticalLines)
            {
                return;
            }

            if (joins is null)
            {
                joins = t_vertical ??= [];
                joins.Clear();
            }

            var lastBreak = nextLineStart - 1; // the break after the run's last line is not joined
            for (var k = firstBreak; k < lastBreak; k++)
            {
                if (text[k] == '\n')
                {
                    if (k > 0 && text[k - 1] == '\r')
                    {
                        joins.Add(k - 1);
                    }

                    joins.Add(k);
                }
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="offset"/> is the next of <paramref name="vertical"/>'s breaks
    /// (<see cref="VerticalBreaks"/>, read in order while a text is walked); moves past it when it is.
    /// </summary>
    private static bool JoinsAt(List<int>? vertical, ref int next, int offset)
    {
        if (vertical is null || next >= vertical.Count || vertical[next] != offset)
        {
            return false;
        }

        next++;
        return true;
    }

    /// <summary>Whether a line holds exactly one character that is not interference.</summary>
    private bool CountsOne(ReadOnlySpan<char> line)
    {
        var count = 0;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (char.IsHighSurrogate(c) && i + 1 < line.Length && char.IsLowSurrogate(line[i + 1]))
            {
                if (!CharTables.IsInterference(char.ConvertToUtf32(c, line[i + 1])))
                {
                    count++;
                }

                i++;
            }
            else if ((CharTables.Flags(_table[c]) & CharFlags.KindMask) is not (CharFlags.Skip or CharFlags.Drop))
            {
                count++;
            }

            if (count > 1)
            {
                return false;
            }
        }

        return count == 1;
    }

    /// <summary>
    /// A folder with variants: each key folds to its canonical character. Keys that fold to an ASCII
    /// letter apply only to a lone letter written next to hanzi (加v信), never inside Latin words (vip).
    /// </summary>
    public static TextFolder WithVariants(IReadOnlyDictionary<char, char> variants)
    {
        if (variants.Count == 0)
        {
            return Plain;
        }

        var table = (uint[])CharTables.Base.Clone();
        var remap = new Dictionary<char, char>();
        var latin = new HashSet<char>();
        foreach (var (variant, canonical) in variants)
        {
            var v = Plain.FoldChar(variant);
            var c = Plain.FoldChar(canonical);
            if (v == '\0' || c == '\0' || v == c)
            {
                continue;
            }

            if (char.IsAsciiLetter(v))
            {
                latin.Add(v);
            }

            remap.TryAdd(v, c);
        }

        for (var i = 0; i < table.Length; i++)
        {
            var entry = table[i];
            var flags = CharTables.Flags(entry);
            if ((flags & CharFlags.KindMask) != CharFlags.Keep)
            {
                continue;
            }

            var folded = CharTables.FoldedChar(entry);
            if (latin.Contains(folded))
            {
                table[i] = CharTables.Entry(folded, CharFlags.Special | CharFlags.LatinVariant | flags);
            }
            else if (remap.TryGetValue(folded, out var canonical))
            {
                table[i] = CharTables.Entry(canonical, CharTables.Describe(canonical));
            }
        }

        return new TextFolder(table, remap.Where(p => latin.Contains(p.Key)).ToDictionary());
    }

    /// <summary>The fold entry of every UTF-16 unit (see <see cref="CharTables"/>), for the matcher's fast pass.</summary>
    internal uint[] Table => _table;

    /// <summary>The fold of one character on its own, or '\0' when it folds to nothing or to several.</summary>
    public char FoldChar(char c)
    {
        var entry = _table[c];
        var kind = CharTables.Flags(entry) & CharFlags.KindMask;
        return kind == CharFlags.Keep || (CharTables.Flags(entry) & CharFlags.LatinVariant) != 0 ? CharTables.FoldedChar(entry) : '\0';
    }

    /// <summary>
    /// Folds a message into this thread's buffer, its faces and mentions blanked (see
    /// <see cref="ChatTokens"/>): skipped as interference that ends a clause.
    /// </summary>
    public FoldedText Fold(ReadOnlySpan<char> text)
    {
        var buffer = t_buffer ??= new FoldedText();
        Fold(text, buffer, message: true);
        return buffer;
    }

    /// <summary>
    /// Folds to a plain string (for terms and phrases, and the evidence of an incident). Faces and
    /// mentions are folded as text here: a term is what its author wrote.
    /// </summary>
    public string FoldToString(string text)
    {
        // A message-sized text folds in a buffer of this thread's, kept for the next (a repeat
        // rule folds every message); a long one in its own, so no thread keeps a large buffer.
        var buffer = text.Length <= StringBufferLength ? t_stringBuffer ??= new FoldedText() : new FoldedText();
        Fold(text, buffer, message: false);
        return buffer.ToString();
    }

    public void Fold(ReadOnlySpan<char> text, FoldedText into, bool message)
    {
        into.EnsureCapacity(text.Length * 2 + 4);
        var w = new Folding(into);
        StringBuilder? slow = null;
        var table = _table;

        // Line breaks that stack single characters join them (竖排), in messages only.
        var vertical = message ? VerticalBreaks(text) : null;
        var nextJoin = 0;

        for (var i = 0; i < text.Length; i++)
        {
            var entry = table[text[i]];
            var flags = CharTables.Flags(entry);
            switch (flags & CharFlags.KindMask)
            {
                case CharFlags.Keep:
                    i = w.EmitKept(text, i, table) - 1;
                    break;
                case CharFlags.Skip:
                    w.Gap++;
                    if (JoinsAt(vertical, ref nextJoin, i))
                    {
                        break;
                    }

                    w.Clause = (Break)Math.Max((int)w.Clause, (flags & CharFlags.Sentence) != 0 ? (int)Break.Sentence
                        : (flags & CharFlags.Clause) != 0 ? (int)Break.Clause : 0);
                    if (message && CharTables.FoldedChar(entry) is '[' or '/' or '@' && ChatTokens.Length(text, i, out var isMention) is > 0 and var length)
                    {
                        w.Gap += length - 1;
                        w.Clause = Break.Sentence;
                        w.Mention |= isMention;
                        i += length - 1;
                    }

                    break;
                case CharFlags.Drop:
                    break;
                default:
                    if ((flags & CharFlags.LatinVariant) != 0)
                    {
                        var letter = CharTables.FoldedChar(entry);
                        var folded = LoneBesideHanzi(text, i, w.Last) ? _latin[letter] : letter;
                        w.Emit(folded, CharTables.Describe(folded), i, i + 1);
                        break;
                    }

                    if (Rune.DecodeFromUtf16(text[i..], out var rune, out var width) != System.Buffers.OperationStatus.Done)
                    {
                        w.Gap++; // an unpaired surrogate is noise
                        break;
                    }

                    slow ??= new StringBuilder(8);
                    slow.Clear();
                    var kind = CharTables.FoldSlow(rune, slow) & CharFlags.KindMask;
                    if (kind == CharFlags.Skip)
                    {
                        w.Gap++;
                    }
                    else if (kind == CharFlags.Keep)
                    {
                        // One character can fold to many (ﬃ to 3, ﷺ to 15): room for them and one
                        // for each character after it, as the buffer had at the start.
                        w.Reserve(slow.Length + text.Length - i - width);
                        for (var k = 0; k < slow.Length; k++)
                        {
                            // Variants apply to what the slow path folded to as well (㊙ → 秘 → its canonical).
                            var piece = slow[k];
                            if (!char.IsSurrogate(piece))
                            {
                                var pieceEntry = table[piece];
                                if ((CharTables.Flags(pieceEntry) & CharFlags.KindMask) == CharFlags.Keep)
                                {
                                    piece = CharTables.FoldedChar(pieceEntry);
                                }
                            }

                            w.Emit(piece, CharTables.Describe(piece), i, i + width);
                        }
                    }

                    i += width - 1;
                    break;
            }
        }

        // A mention at the very end (垃圾 @张三) is remembered one past the last character.
        into.MentionBefore[w.Count] = w.Mention;
        into.Count = w.Count;
    }

    /// <summary>
    /// The lighter fold that regex rules see: every character folded as for matching, but
    /// interference kept (in its NFKC form, so ：// reads ://) and nothing collapsed. Written into
    /// this thread's buffer (read it before the next call); <c>Map</c> gives the original offset of
    /// each character, plus the text's length after the last.
    /// </summary>
    public LightText FoldLight(string text)
    {
        var light = t_light ??= new LightText();
        light.Reset(text.Length * 2 + 2);
        StringBuilder? slow = null;
        for (var i = 0; i < text.Length; i++)
        {
            var entry = _table[text[i]];
            var flags = CharTables.Flags(entry);
            switch (flags & CharFlags.KindMask)
            {
                case CharFlags.Keep:
                case CharFlags.Skip:
                    light.Add(CharTables.FoldedChar(entry), i);
                    break;
                case CharFlags.Drop:
                    break;
                default:
                    if ((flags & CharFlags.LatinVariant) != 0)
                    {
                        light.Add(CharTables.FoldedChar(entry), i);
                        break;
                    }

                    if (Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var width) != System.Buffers.OperationStatus.Done)
                    {
                        break;
                    }

                    slow ??= new StringBuilder(8);
                    slow.Clear();
                    var kind = CharTables.FoldSlow(rune, slow) & CharFlags.KindMask;
                    var piece = kind == CharFlags.Keep ? slow.ToString() : kind == CharFlags.Skip ? rune.ToString() : "";
                    foreach (var c in piece)
                    {
                        light.Add(c, i);
                    }

                    i += width - 1;
                    break;
            }
        }

        light.Map[light.Count] = text.Length;
        for (var k = 0; k < light.Count; k++)
        {
            light.End[k] = light.Map[k + 1];
        }

        return light;
    }

    [ThreadStatic]
    private static LightText? t_light;

    [ThreadStatic]
    private static LightText? t_compact;

    /// <summary>
    /// The most characters a thread's fold buffers keep room for between messages: a long message
    /// (or a short one of characters NFKC writes out long, ﷺ as 18) grew them to tens of
    /// megabytes, kept by every thread that ever read one. About 1 MB a buffer at most.
    /// </summary>
    internal const int KeptCapacity = 1 << 16;

    /// <summary>
    /// Lets go of this thread's fold buffers that a long message grew past <see cref="KeptCapacity"/>
    /// (the next message on the thread starts a small one): for the end of a message's matching.
    /// </summary>
    internal static void DropLargeBuffers()
    {
        if (t_buffer is { Chars.Length: > KeptCapacity })
        {
            t_buffer = null;
        }

        if (t_light is { Chars.Length: > KeptCapacity })
        {
            t_light = null;
        }

        if (t_compact is { Chars.Length: > KeptCapacity })
        {
            t_compact = null;
        }
    }

    /// <summary>For tests: the room this thread's fold buffers keep, in characters (0 for one not made).</summary>
    internal static (int Fold, int Light, int Compact) BufferCapacities =>
        (t_buffer?.Chars.Length ?? 0, t_light?.Chars.Length ?? 0, t_compact?.Chars.Length ?? 0);

    /// <summary>
    /// <paramref name="light"/> without its interference other than clause breaks (spaces, symbols,
    /// emoji, faces written as text, other punctuation): the second text a regex rule reads, so that 出❤售冰❤毒 is 出售冰毒
    /// to it as to a term, while ，。！？；：、 and line breaks stay, as they do for terms (but for the
    /// breaks that stack single characters, <see cref="VerticalBreaks"/>). Null when there is none
    /// to leave out. Written into this thread's buffer: read it before the next call.
    /// </summary>
    public LightText? Compact(LightText light)
    {
        var chars = light.Text;
        var map = light.Map;
        LightText? compact = null;
        var vertical = VerticalBreaks(chars);
        var nextJoin = 0;

        // Interference since the last character that is none, counted as the fast pass counts it
        // (clause breaks too, an emoji once): past DetectionEngine.MaxGap a term does not join
        // across it, so neither does the compact text, which writes a line break there instead.
        var gap = 0;
        var gapStart = 0;
        for (var k = 0; k < chars.Length; k++)
        {
            var c = chars[k];
            int width;
            bool interference, keep;
            if (char.IsSurrogate(c))
            {
                // An emoji (or any pair that is interference) goes whole; half of one goes too.
                width = char.IsHighSurrogate(c) && k + 1 < chars.Length && char.IsLowSurrogate(chars[k + 1]) ? 2 : 1;
                interference = width == 1 || CharTables.IsInterference(char.ConvertToUtf32(c, chars[k + 1]));
                keep = !interference;
            }
            else if (c is '[' or '/' && ChatTokens.FaceLength(chars, k) is > 0 and var face)
            {
                // A face written as text ([微笑], /斜眼笑) put between words (加[微笑]微信) goes whole,
                // as an emoji does: one piece of interference.
                width = face;
                interference = true;
                keep = false;
            }
            else
            {
                width = 1;
                var flags = CharTables.Flags(_table[c]);
                interference = (flags & CharFlags.KindMask) == CharFlags.Skip;
                keep = !interference || (flags & CharFlags.Clause) != 0;
                if (JoinsAt(vertical, ref nextJoin, k))
                {
                    // A break that stacks single characters is left out like other interference.
                    keep = false;
                }
            }

            if (interference)
            {
                if (gap++ == 0)
                {
                    gapStart = map[k];
                }
            }
            else
            {
                if (gap > Detection.DetectionEngine.MaxGap && compact is not null)
                {
                    compact.Add('\n', gapStart, gapStart);
                }

                gap = 0;
            }

            if (keep)
            {
                if (compact is not null)
                {
                    for (var w = 0; w < width; w++)
                    {
                        compact.Add(chars[k + w], map[k + w], map[k + w + 1]);
                    }
                }
            }
            else if (compact is null)
            {
                // The first character left out: copy what came before it.
                compact = t_compact ??= new LightText();
                compact.Reset(chars.Length);
                for (var j = 0; j < k; j++)
                {
                    compact.Add(chars[j], map[j], map[j + 1]);
                }
            }

            k += width - 1;
        }

        return compact;
    }

    /// <summary>
    /// The fold being written: the buffer's arrays held in locals, so that writing a character does
    /// not read them from the buffer again, and what was skipped since the last character written.
    /// The buffer holds a character for each of the text's and some to spare; only where one
    /// character folds to several (the slow path) may it have to grow (<see cref="Reserve"/>).
    /// </summary>
    private struct Folding(FoldedText into)
    {
        private readonly FoldedText _into = into;
        private char[] _chars = into.Chars;
        private int[] _start = into.Start;
        private int[] _end = into.End;
        private byte[] _gap = into.Gap;
        private bool[] _clauseBefore = into.ClauseBefore;
        private bool[] _sentenceBefore = into.SentenceBefore;
        private byte[] _run = into.Run;
        private bool[] _mentionBefore = into.MentionBefore;

        public int Count;

        /// <summary>How many times in a row the last character was written (for collapsing fuuuck).</summary>
        public int LastRun;

        /// <summary>Interference skipped since the last character written.</summary>
        public int Gap;

        /// <summary>The strongest break among it.</summary>
        public Break Clause;

        /// <summary>Whether a mention was among it.</summary>
        public bool Mention;

        /// <summary>The last character written, or '\0'.</summary>
        public readonly char Last => Count > 0 ? _chars[Count - 1] : '\0';

        /// <summary>Room for <paramref name="count"/> more characters: the buffer grown, and its arrays read again, if need be.</summary>
        public void Reserve(int count)
        {
            if (Count + count <= _chars.Length)
            {
                return;
            }

            _into.EnsureCapacity(Count + count);
            (_chars, _start, _end, _gap, _clauseBefore, _sentenceBefore, _run, _mentionBefore) =
                (_into.Chars, _into.Start, _into.End, _into.Gap, _into.ClauseBefore, _into.SentenceBefore, _into.Run, _into.MentionBefore);
        }

        public void Emit(char folded, CharFlags flags, int start, int end)
        {
            var n = Count;
            if (n > 0 && Gap == 0)
            {
                if (Repeats(_chars, _end, _run, ref n, ref LastRun, folded, flags, end))
                {
                    Count = n;
                    return;
                }
            }
            else
            {
                LastRun = 1;
            }

            _chars[n] = folded;
            _start[n] = start;
            _end[n] = end;
            _gap[n] = (byte)Math.Min(Gap, 255);
            _clauseBefore[n] = Clause != Break.None;
            _sentenceBefore[n] = Clause == Break.Sentence;
            _mentionBefore[n] = Mention;
            _run[n] = 1;
            Count = n + 1;
            Gap = 0;
            Clause = Break.None;
            Mention = false;
        }

        /// <summary>
        /// Whether <paramref name="folded"/>, written right after the last of the
        /// <paramref name="n"/> characters with nothing skipped between, counts as a repeat of it:
        /// a hanzi repeated in a row counts once, its span growing to cover the repeats; a Latin
        /// letter written three or more times in a row counts once (fuuuck), while a double stays
        /// (good, all): the third drops the second (<paramref name="n"/> goes down) and the span
        /// grows. <paramref name="lastRun"/> counts a letter's copies in a row.
        /// </summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        private static bool Repeats(char[] chars, int[] end, byte[] run, ref int n, ref int lastRun, char folded, CharFlags flags, int endAt)
        {
            if (chars[n - 1] != folded)
            {
                lastRun = 1;
                return false;
            }

            if ((flags & CharFlags.Cjk) != 0)
            {
                end[n - 1] = endAt;
                run[n - 1] = (byte)Math.Min(run[n - 1] + 1, 255);
                return true;
            }

            if (char.IsAsciiLetter(folded) && ++lastRun >= 3)
            {
                if (lastRun == 3)
                {
                    n--;
                }

                end[n - 1] = endAt;
                run[n - 1] = (byte)Math.Min(lastRun, 255);
                return true;
            }

            return false;
        }

        /// <summary>
        /// Emits the kept character at <paramref name="at"/> (its <paramref name="table"/> entry is
        /// of kind Keep) and the kept characters right after it, as <see cref="Emit"/> would one by
        /// one: most of a message, in a loop of its own with the state in locals (nothing is skipped
        /// between them, so no gap, break or mention comes before any but the first). Returns the
        /// index of the first character that is not kept.
        /// </summary>
        public int EmitKept(ReadOnlySpan<char> text, int at, uint[] table)
        {
            var entry = table[text[at]];
            Emit(CharTables.FoldedChar(entry), CharTables.Flags(entry), at, at + 1);
            var (chars, start, end, gap, clause, sentence, run, mention) = (_chars, _start, _end, _gap, _clauseBefore, _sentenceBefore, _run, _mentionBefore);
            var n = Count;
            var lastRun = LastRun;
            for (at++; at < text.Length; at++)
            {
                entry = table[text[at]];
                var flags = CharTables.Flags(entry);
                if ((flags & CharFlags.KindMask) != CharFlags.Keep)
                {
                    break;
                }

                var folded = CharTables.FoldedChar(entry);
                if (Repeats(chars, end, run, ref n, ref lastRun, folded, flags, at + 1))
                {
                    continue;
                }

                chars[n] = folded;
                start[n] = at;
                end[n] = at + 1;
                gap[n] = 0;
                clause[n] = false;
                sentence[n] = false;
                mention[n] = false;
                run[n] = 1;
                n++;
            }

            Count = n;
            LastRun = lastRun;
            return at;
        }
    }

    /// <summary>
    /// Whether the Latin variant at <paramref name="at"/> surely reads as its letter, as
    /// <see cref="Fold(ReadOnlySpan{char}, FoldedText, bool)"/> reads it, seen from the text alone
    /// (<see cref="LoneBesideHanzi"/> needs the last character the fold wrote): the unit before it
    /// is kept as a character that is no hanzi (so the fold wrote that last), or the unit after it
    /// is none the fold skips and folds to no hanzi. False where only the fold can tell.
    /// </summary>
    internal bool ReadsAsLetter(ReadOnlySpan<char> text, int at)
    {
        if (at > 0)
        {
            var before = _table[text[at - 1]];
            if ((CharTables.Flags(before) & CharFlags.KindMask) == CharFlags.Keep && !CharTables.IsCjk(CharTables.FoldedChar(before)))
            {
                return true;
            }
        }

        if (at + 1 < text.Length)
        {
            var after = _table[text[at + 1]];
            var kind = CharTables.Flags(after) & CharFlags.KindMask;
            var folded = CharTables.FoldedChar(after);
            return kind is not (CharFlags.Skip or CharFlags.Drop) && folded != '\0' && !CharTables.IsCjk(folded);
        }

        return false;
    }

    /// <summary>
    /// A Latin letter stands for a hanzi only alone between hanzi (or a hanzi and the text's edge):
    /// 加v信 and V信 yes; vip, 加vip and v 2 no.
    /// </summary>
    private bool LoneBesideHanzi(ReadOnlySpan<char> text, int at, char before)
    {
        var after = '\0';
        for (var j = at + 1; j < text.Length && j <= at + 8; j++)
        {
            var entry = _table[text[j]];
            var kind = CharTables.Flags(entry) & CharFlags.KindMask;
            if (kind is CharFlags.Skip or CharFlags.Drop)
            {
                continue;
            }

            after = CharTables.FoldedChar(entry);
            break;
        }

        var beforeOk = before == '\0' || CharTables.IsCjk(before);
        var afterOk = after == '\0' || CharTables.IsCjk(after);
        return beforeOk && afterOk && (CharTables.IsCjk(before) || CharTables.IsCjk(after));
    }

    /// <summary>The strongest break among the interference skipped since the last kept character.</summary>
    private enum Break
    {
        None,
        Clause,
        Sentence,
    }
}
