using System.Runtime.CompilerServices;
using JiebaNet.Segmenter;

namespace GroupGuard.Text.Jieba;

/// <summary>
/// jieba.NET's dictionary is one per process (a plain Dictionary behind a static Lazy), so everything
/// that touches it lives here, static, behind one lock: any number of JiebaWordSegmenter instances
/// share it. Cut only reads the dictionary and may run on many threads at once; AddWord/DeleteWord
/// write it with no lock of their own, and a write during a read can corrupt or hang the Dictionary,
/// so reads take the read side of <see cref="Gate"/>; a term update plans under the upgradeable side
/// (readers go on) and takes the write side only for the writes themselves.
/// </summary>
internal static class JiebaDictionary
{
    /// <summary>The folder, relative to the application base, that the csproj copies the files to.</summary>
    public const string ResourcesFolderName = "jieba";

    /// <summary>What precise-mode Cut with HMM reads; the csproj copies exactly these.</summary>
    public static readonly IReadOnlyList<string> RequiredFiles = ["dict.txt", "prob_emit.json", "prob_trans.json"];

    /// <summary>
    /// Frequency a rule term gets at least. Jieba's own SuggestFreq only makes a word beat its own
    /// split when it stands alone; in a sentence the term must also beat overlaps with its neighbours
    /// (傻/逼真 against 傻逼/真). Measured on COLD and SWSR with the shipped rule terms: SuggestFreq
    /// alone left 支那, 黑鬼, 母狗 split in real messages, 1,000 caught all but one occurrence, and
    /// 10,000 or more caught them all while 漂白粉 still stayed whole with 白粉 at 1,000,000.
    /// 10,000 is the weight of an ordinary common word (the dictionary totals about 60 M).
    /// </summary>
    public const int TermFrequencyFloor = 10_000;

    /// <summary>Terms shorter than this are not forced; see <see cref="ApplyTerms"/>.</summary>
    public const int MinimumForcedTermLength = 2;

    private static readonly ReaderWriterLockSlim Gate = new(LockRecursionPolicy.NoRecursion);
    private static readonly Lazy<JiebaSegmenter> Segmenter = new(CreateSegmenter, LazyThreadSafetyMode.ExecutionAndPublication);

    // Written only under the write lock.
    private static readonly HashSet<string> Forced = new(StringComparer.Ordinal);
    private static readonly Dictionary<string, int> OriginalFrequency = new(StringComparer.Ordinal);
    private static string? _currentVersion;

    public static string ResourcesDirectory { get; } = Path.Combine(AppContext.BaseDirectory, ResourcesFolderName);

    /// <summary>The version last applied by <see cref="ApplyTerms"/>, or null.</summary>
    public static string? CurrentVersion
    {
        get
        {
            Gate.EnterReadLock();
            try { return _currentVersion; }
            finally { Gate.ExitReadLock(); }
        }
    }

    /// <summary>Loads the dictionary once; throws a message naming the folder when it cannot.</summary>
    public static JiebaSegmenter Instance => Segmenter.Value;

    /// <summary>
    /// Segments <paramref name="text"/> under the read lock, or returns null when the lock could not
    /// be had within <paramref name="timeout"/> (a term update that never ends must not hang callers).
    /// </summary>
    public static List<string>? Cut(string text, TimeSpan timeout)
    {
        var segmenter = Instance;
        if (!Gate.TryEnterReadLock(timeout))
        {
            return null;
        }

        try
        {
            // Precise mode, HMM on. Cut returns a materialised list; copy anyway so nothing lazy escapes the lock.
            return [.. segmenter.Cut(text, cutAll: false, hmm: true)];
        }
        finally
        {
            Gate.ExitReadLock();
        }
    }

    /// <summary>
    /// A <see cref="WordGraph"/> over the first <paramref name="length"/> characters of
    /// <paramref name="text"/>, or null when this jieba.NET has no table to read (never sure).
    /// </summary>
    public static WordGraph? GraphOver(char[] text, int length) =>
        Trie.Value is not null ? new WordGraph(text, length) : null;

    /// <summary>
    /// What one text's word graph says, read from jieba.NET's own table of words and their prefixes,
    /// with each position's dictionary words looked up once and kept: the windows that a message's
    /// word and target checks read overlap, and a lookup in the large table is most of their cost.
    /// Every question takes the read lock (false when it is not had in time), and what is kept is
    /// dropped when a term update has changed the table since.
    /// </summary>
    internal sealed class WordGraph
    {
        private JiebaWordTable? _table;
        private char[] _text;
        private int _length;

        // Per position: where its words start in _ends/_logs, or -1 while not looked up; then how many.
        private int[] _rowStart;
        private int[] _rowLength;

        // Per position: whether a word or prefix of the table may hold the character before it and
        // its own side by side (1), surely none does (0), or not asked yet (-1).
        private sbyte[] _joins;
        private int[] _ends = new int[64];
        private double[] _logs = new double[64];
        private int _count;

        // Scratch of SureNear: the sums, best steps, their leads and states of its stretch (at most MaxNear long).
        private double[]? _nearScore;
        private int[]? _nearLast;
        private double[]? _nearLead;
        private sbyte[]? _nearStates;

        // Scratch of ReadRows: the walks going on (their positions and steps) and the words they found.
        private int[] _walkAt = new int[64];
        private int[] _walkStep = new int[64];
        private int[] _foundAt = new int[64];
        private int[] _foundEnd = new int[64];
        private int[] _foundStep = new int[64];

        internal WordGraph(char[] text, int length)
        {
            _text = text;
            _rowStart = [];
            _rowLength = [];
            _joins = [];
            Reset(text, length);
        }

        /// <summary>Makes this graph one over another text, keeping its buffers: nothing read of the old text stays.</summary>
        public void Reset(char[] text, int length)
        {
            _text = text;
            _length = length;
            if (_rowStart.Length < length)
            {
                _rowStart = new int[length];
                _rowLength = new int[length];
                _joins = new sbyte[length];
            }

            _rowStart.AsSpan(0, length).Fill(-1);
            _joins.AsSpan(0, length).Fill(-1);
            _count = 0;
        }

        /// <summary>How many characters its buffers hold: a graph much larger than a message is not kept for reuse.</summary>
        public int Capacity => _rowStart.Length;

        /// <summary>
        /// The offsets of the window [<paramref name="from"/>, <paramref name="to"/>) where
        /// <see cref="Cut"/> of the window surely puts a word boundary (1), surely does not (0), or
        /// does not know (-1), into <paramref name="states"/> (one more than the window's length),
        /// from the path Jieba takes through each block's word graph, computed here as Jieba computes
        /// it (the same dictionary, the same sums of log frequencies in the same order, the first best
        /// step on a tie). Words of the path are kept whole; a run of single characters is cut after
        /// each when the run is a dictionary word, else as Jieba's HMM cuts it (<see cref="JiebaHmm"/>;
        /// not known when the model could not be read). Outside blocks every character is a word
        /// (\r\n one). False when the read lock is not had within <paramref name="timeout"/>.
        /// </summary>
        public bool SureBoundaries(int from, int to, Span<sbyte> states, TimeSpan timeout)
        {
            if (from < 0 || to > _length || from > to || states.Length != to - from + 1 || !Gate.TryEnterReadLock(timeout))
            {
                return false;
            }

            try
            {
                if (!Refresh())
                {
                    return false; // the table is being laid out again after a term update: the caller segments
                }

                var text = _text.AsSpan(from, to - from);
                var logTotal = Math.Log(WordDictionary.Instance.Total);
                states[text.Length] = 1;
                for (var i = 0; i < text.Length;)
                {
                    if (!JiebaWordSegmenter.IsJiebaWordChar(text[i]))
                    {
                        states[i] = JiebaWordSegmenter.IsInsideSurrogatePair(text, i) ? (sbyte)0 : (sbyte)1;
                        if (text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                        {
                            states[++i] = 0;
                        }

                        i++;
                        continue;
                    }

                    var end = i;
                    while (end < text.Length && JiebaWordSegmenter.IsJiebaWordChar(text[end]))
                    {
                        end++;
                    }

                    Route(logTotal, from + i, from + end, states[i..]);
                    i = end;
                }

                return true;
            }
            finally
            {
                Gate.ExitReadLock();
            }
        }

        /// <summary>
        /// What <see cref="SureBoundaries"/> of the window [<paramref name="from"/>,
        /// <paramref name="to"/>) says at the offsets around [<paramref name="lo"/>,
        /// <paramref name="hi"/>), known from the words near them alone: written into
        /// <paramref name="states"/> (one more than the window's length) where known, 1 or 0; every
        /// other offset is left as it was. The span is widened each way to the nearest offset no
        /// dictionary word runs across (the characters either side are no pair of any word,
        /// <see cref="JiebaWordTable.MayJoin"/>), or to the edge of the window or of its block of
        /// word characters: every path passes through such offsets, so between them the best path is
        /// the best path of that stretch alone, and what lies outside adds the same to every choice.
        /// The stretch's path is taken as <see cref="Route"/> takes it where each of its steps is ahead
        /// of every other by a margin no rounding of the window's sums could close; a run of single
        /// characters that reaches a widened end may go on past it, so the HMM's cut of it is not
        /// known. False when nothing is known (a step too close, a character of the span outside
        /// Jieba's word characters) or the read lock is not had within <paramref name="timeout"/>.
        /// </summary>
        public bool SureNear(int from, int to, int lo, int hi, Span<sbyte> states, TimeSpan timeout)
        {
            if (from < 0 || to > _length || !(from <= lo && lo < hi && hi <= to) || states.Length != to - from + 1 || !Gate.TryEnterReadLock(timeout))
            {
                return false;
            }

            try
            {
                if (!Refresh())
                {
                    return false;
                }

                for (var k = lo; k < hi; k++)
                {
                    if (!JiebaWordSegmenter.IsJiebaWordChar(_text[k]))
                    {
                        return false;
                    }
                }

                // Out to the nearest offsets no word runs across; and on past the next one, on a side
                // where a run of single characters reaches the end and so may go on, until lo and hi
                // are known.
                var left = Widen(from, lo, -1);
                var right = Widen(to, hi, 1);
                var score = _nearScore ??= new double[MaxNear + 1];
                var last = _nearLast ??= new int[MaxNear];
                var lead = _nearLead ??= new double[MaxNear];
                var near = _nearStates ??= new sbyte[MaxNear + 1];
                var logTotal = Math.Log(WordDictionary.Instance.Total);
                for (var round = 0; ; round++)
                {
                    var n = right - left;
                    if (n > MaxNear)
                    {
                        return false; // the whole window's path costs no more
                    }

                    ReadRows(left, right);
                    BestSteps(logTotal, left, right, score.AsSpan(0, n + 1), last.AsSpan(0, n), lead.AsSpan(0, n));
                    for (var x = 0; x < n; x = last[x] + 1)
                    {
                        if (!(lead[x] > StepMargin))
                        {
                            return false; // a step too close to another: rounding could choose either
                        }
                    }

                    var openStart = left > from && JiebaWordSegmenter.IsJiebaWordChar(_text[left - 1]);
                    var openEnd = right < to && JiebaWordSegmenter.IsJiebaWordChar(_text[right]);
                    var open = WalkPath(left, last.AsSpan(0, n), near.AsSpan(0, n + 1), openStart, openEnd);
                    if ((near[lo - left] >= 0 && near[hi - left] >= 0) || open == Open.None || round == MaxWidenings)
                    {
                        for (var x = 0; x <= n; x++)
                        {
                            if (near[x] >= 0)
                            {
                                states[left - from + x] = near[x];
                            }
                        }

                        break;
                    }

                    left = (open & Open.Start) != 0 ? Widen(from, left - 1, -1) : left;
                    right = (open & Open.End) != 0 ? Widen(to, right + 1, 1) : right;
                }

                return true;
            }
            finally
            {
                Gate.ExitReadLock();
            }
        }

        /// <summary>The longest stretch <see cref="SureNear"/> reads: past it, the window's path is read whole.</summary>
        private const int MaxNear = 128;

        /// <summary>How many times <see cref="SureNear"/> widens its stretch past an offset no word runs across.</summary>
        private const int MaxWidenings = 4;

        /// <summary>
        /// From <paramref name="at"/> towards <paramref name="limit"/> (a window's edge) in
        /// <paramref name="direction"/> (-1 or 1), the first offset no dictionary word runs across: the
        /// edge, the edge of the block of word characters, or one whose characters either side are no
        /// pair of any word. Under the read lock.
        /// </summary>
        private int Widen(int limit, int at, int direction)
        {
            if (direction < 0)
            {
                while (at > limit && JiebaWordSegmenter.IsJiebaWordChar(_text[at - 1]) && MayJoin(at))
                {
                    at--;
                }
            }
            else
            {
                while (at < limit && JiebaWordSegmenter.IsJiebaWordChar(_text[at]) && MayJoin(at))
                {
                    at++;
                }
            }

            return at;
        }

        /// <summary>
        /// <see cref="JiebaWordTable.MayJoin"/> of the characters before and at <paramref name="at"/>
        /// (above 0), asked of the table once a text: the checks of a message widen over the same
        /// offsets. Under the read lock.
        /// </summary>
        private bool MayJoin(int at)
        {
            var known = _joins[at];
            if (known < 0)
            {
                known = _table!.MayJoin(_text[at - 1], _text[at]) ? (sbyte)1 : (sbyte)0;
                _joins[at] = known;
            }

            return known != 0;
        }

        /// <summary>Which ends of a stretch a run of single characters reaches while the block goes on past them (<see cref="WalkPath"/>).</summary>
        [Flags]
        private enum Open
        {
            None = 0,
            Start = 1,
            End = 2,
        }

        /// <summary>
        /// How far ahead a step must be in <see cref="SureNear"/>: the window's own sums add the path
        /// outside the stretch to every choice, and so round differently, by far less than this (a
        /// window is at most 1,024 characters, its sums some ten thousands at most, and a double
        /// rounds each of its thousand additions by under 1e-11).
        /// </summary>
        private const double StepMargin = 1e-6;

        /// <summary>
        /// A term update since the rows were read: they may be stale, read again. False while the
        /// table is being laid out again. Under the read lock.
        /// </summary>
        private bool Refresh()
        {
            if (CurrentTable(wait: false) is not { } table)
            {
                return false;
            }

            if (!ReferenceEquals(table, _table))
            {
                _rowStart.AsSpan(0, _length).Fill(-1);
                _joins.AsSpan(0, _length).Fill(-1);
                _count = 0;
                _table = table;
            }

            return true;
        }

        /// <summary>
        /// The dictionary words (frequency above zero) that start at <paramref name="at"/>: their last
        /// offsets, ascending, and the logarithms of their frequencies. Under the read lock.
        /// </summary>
        private (ReadOnlyMemory<int> Ends, ReadOnlyMemory<double> Logs) Row(int at)
        {
            if (_rowStart[at] < 0)
            {
                ReadRows(at, at + 1);
            }

            return (_ends.AsMemory(_rowStart[at], _rowLength[at]), _logs.AsMemory(_rowStart[at], _rowLength[at]));
        }

        /// <summary>
        /// Looks up the rows of every position in [<paramref name="from"/>, <paramref name="to"/>)
        /// not read yet. The table holds every prefix of every word (at frequency 0), so a walk from a
        /// position ends where no word goes on. The walks go on side by side, one character a round:
        /// their lookups do not wait for each other, so the processor overlaps their cache misses (the
        /// table is megabytes; one walk after another waited for each miss in turn). Under the read lock.
        /// </summary>
        private void ReadRows(int from, int to)
        {
            var table = _table!;
            var walking = 0;
            Grow(ref _walkAt, to - from);
            Grow(ref _walkStep, to - from);
            for (var at = from; at < to; at++)
            {
                if (_rowStart[at] < 0)
                {
                    _walkAt[walking] = at;
                    _walkStep[walking] = table.Root(_text[at]);
                    _rowLength[at] = 0;
                    walking++;
                }
            }

            var found = 0;
            for (var depth = 0; walking > 0; depth++)
            {
                var kept = 0;
                for (var k = 0; k < walking; k++)
                {
                    var step = _walkStep[k];
                    if (step < 0)
                    {
                        continue;
                    }

                    var at = _walkAt[k];
                    if (JiebaWordTable.IsWord(step))
                    {
                        if (found == _foundAt.Length)
                        {
                            Array.Resize(ref _foundAt, found * 2);
                            Array.Resize(ref _foundEnd, found * 2);
                            Array.Resize(ref _foundStep, found * 2);
                        }

                        _foundAt[found] = at;
                        _foundEnd[found] = at + depth;
                        _foundStep[found] = step;
                        found++;
                        _rowLength[at]++;
                    }

                    var x = at + depth + 1;
                    _walkAt[kept] = at;
                    // No word or prefix holds a pair known to join nothing: the step would fail.
                    _walkStep[kept] = x < _length && _joins[x] != 0 ? table.Child(step, _text[x]) : -1;
                    kept++;
                }

                walking = kept;
            }

            // Each position's words in one stretch of _ends/_logs; found in order of depth, so each
            // position's come shortest first.
            if (_count + found > _ends.Length)
            {
                Array.Resize(ref _ends, Math.Max(_ends.Length * 2, _count + found));
                Array.Resize(ref _logs, _ends.Length);
            }

            for (var at = from; at < to; at++)
            {
                if (_rowStart[at] < 0)
                {
                    _rowStart[at] = _count;
                    _count += _rowLength[at];
                    _rowLength[at] = 0;
                }
            }

            for (var k = 0; k < found; k++)
            {
                var at = _foundAt[k];
                var slot = _rowStart[at] + _rowLength[at]++;
                _ends[slot] = _foundEnd[k];
                _logs[slot] = table.LogFrequency(_foundStep[k]);
            }
        }

        private static void Grow(ref int[] buffer, int length)
        {
            if (buffer.Length < length)
            {
                buffer = new int[Math.Max(length, buffer.Length * 2)];
            }
        }

        /// <summary>
        /// The best path from each offset of the block [<paramref name="from"/>, <paramref name="to"/>)
        /// (offsets in the text), summed as Jieba's CalcRoute sums it, from the end back: the sum from
        /// offset i into <paramref name="score"/>[i] (one more than the block's length), the end
        /// (inclusive, from <paramref name="from"/>) of its best first step into
        /// <paramref name="last"/>[i]; the first best step wins a tie. Only words that end inside the
        /// block count. With <paramref name="lead"/>, how far the best first step from each offset is
        /// ahead of the next best (infinite when it is the only one). The rows must have been read.
        /// Under the read lock.
        /// </summary>
        private void BestSteps(double logTotal, int from, int to, Span<double> score, Span<int> last, Span<double> lead = default)
        {
            var n = to - from;
            score[n] = 0;
            for (var i = n - 1; i >= 0; i--)
            {
                var best = double.MinValue;
                var second = double.NegativeInfinity;
                var key = -1;
                var any = false;
                var (ends, logs) = Row(from + i);
                var endSpan = ends.Span;
                var logSpan = logs.Span;
                for (var k = 0; k < endSpan.Length && endSpan[k] < to; k++)
                {
                    var x = endSpan[k] - from;
                    var value = logSpan[k] - logTotal + score[x + 1];
                    if (best < value)
                    {
                        second = any ? best : second;
                        (best, key) = (value, x);
                    }
                    else
                    {
                        second = Math.Max(second, value);
                    }

                    any = true;
                }

                if (!any)
                {
                    // Not a word at all: one character, at Jieba's default frequency of 1.
                    (best, key) = (Math.Log(1) - logTotal + score[i + 1], i);
                }

                score[i] = best;
                last[i] = key;
                if (!lead.IsEmpty)
                {
                    lead[i] = best - second;
                }
            }
        }

        // The best path through the block [from, to) (offsets in the text), as Jieba's CutDag takes it,
        // and what it says of each offset. Under the read lock.
        private void Route(double logTotal, int from, int to, Span<sbyte> states)
        {
            ReadRows(from, to);
            var n = to - from;
            Span<double> score = n < 256 ? stackalloc double[n + 1] : new double[n + 1];
            Span<int> last = n < 256 ? stackalloc int[n] : new int[n]; // the end (inclusive) of the best first step from each offset
            BestSteps(logTotal, from, to, score, last);
            _ = WalkPath(from, last, states, openStart: false, openEnd: false);
        }

        /// <summary>
        /// What the path of best first steps <paramref name="last"/> through the stretch starting at
        /// <paramref name="from"/> says of each of its offsets, into <paramref name="states"/> (one
        /// more than its length): a word's inside is no boundary; a run of single characters (Jieba's
        /// buffer) is cut after each character when the run is a dictionary word, else as the HMM cuts
        /// it. A run that reaches an open end (<paramref name="openStart"/>, <paramref name="openEnd"/>:
        /// the block goes on past it) may go on too: its offsets are not known (-1), but for a word's
        /// edge beside it. Under the read lock.
        /// </summary>
        private Open WalkPath(int from, ReadOnlySpan<int> last, Span<sbyte> states, bool openStart, bool openEnd)
        {
            var n = last.Length;
            var run = -1;
            var open = Open.None;
            for (var x = 0; x <= n;)
            {
                var single = x < n && last[x] == x;
                if (single)
                {
                    run = run < 0 ? x : run;
                    x++;
                    continue;
                }

                if (run >= 0)
                {
                    var cut = states[run..(x + 1)];
                    if ((openStart && run == 0) || (openEnd && x == n))
                    {
                        // Known only where a word of two characters or more, or a closed end, is beside it.
                        open |= (openStart && run == 0 ? Open.Start : Open.None) | (openEnd && x == n ? Open.End : Open.None);
                        cut.Fill(-1);
                        cut[0] = run > 0 || !openStart ? (sbyte)1 : (sbyte)-1;
                        cut[^1] = x < n || !openEnd ? (sbyte)1 : (sbyte)-1;
                    }
                    else
                    {
                        cut = cut[..^1];
                        var known = x - run == 1 || Row(from + run).Ends.Span.Contains(from + x - 1);
                        if (known)
                        {
                            cut.Fill(1);
                        }
                        else if (Hmm.Value is not { } hmm || !hmm.Cut(_text.AsSpan(from + run, x - run), cut))
                        {
                            cut.Fill(-1);
                            cut[0] = 1;
                        }
                    }

                    run = -1;
                }

                if (x == n)
                {
                    break;
                }

                states[x] = 1;
                for (var k = x + 1; k <= last[x]; k++)
                {
                    states[k] = 0;
                }

                x = last[x] + 1;
            }

            if ((open & Open.End) == 0)
            {
                states[n] = 1;
            }

            return open;
        }
    }

    /// <summary>Counts term updates that changed the table; a <see cref="WordGraph"/> drops what it read before one.</summary>
    private static long s_generation;

    /// <summary>How many term updates changed the dictionary: the word table and readers' rows are read again after each.</summary>
    internal static long Generation => Interlocked.Read(ref s_generation);

    /// <summary>jieba.NET's own word and prefix table (internal to it), read for <see cref="WordGraph"/>; null if this jieba.NET has none.</summary>
    private static readonly Lazy<Dictionary<string, int>?> Trie = new(() =>
    {
        _ = Instance; // loads the dictionary from our folder: WordDictionary must not be touched first
        var words = WordDictionary.Instance;
        var field = typeof(WordDictionary).GetField("Trie", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public);
        if (field?.GetValue(words) is not Dictionary<string, int> table
            || !table.TryGetValue("一丝不", out var prefix) || prefix != 0 || !table.TryGetValue("一丝不苟", out var word) || word <= 0)
        {
            return null; // not the table this reading relies on (words and their prefixes): never sure
        }

        return table;
    });

    /// <summary>jieba.NET's HMM, read from its loaded model; null when this jieba.NET keeps it elsewhere (never sure of such runs).</summary>
    private static readonly Lazy<JiebaHmm?> Hmm = new(() =>
    {
        _ = Instance; // the model is read from our folder: Viterbi must not be touched first
        try
        {
            return JiebaHmm.FromJieba();
        }
#pragma warning disable CA1031 // Not knowing such runs is a safe answer: the caller segments them.
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    });

    private static readonly Lock TableBuild = new();
    private static volatile JiebaWordTable? s_table;
    private static long s_tableFailed = -1; // the generation a layout failed at (under TableBuild)

    /// <summary>
    /// jieba.NET's table laid out as a trie (about a tenth of a second's work), read again after a
    /// term update: the update itself lays it out (every rule set's terms are applied at load), so
    /// messages do not wait. A caller that does not <paramref name="wait"/> gets null while another
    /// thread lays it out (it segments instead), or lays it out itself when nobody is. Under the read lock (a term
    /// update cannot start while it is read); null when this jieba.NET has no table to read.
    /// </summary>
    private static JiebaWordTable? CurrentTable(bool wait)
    {
        var generation = Interlocked.Read(ref s_generation);
        if (s_table is { } table && table.Generation == generation)
        {
            return table;
        }

        if (Trie.Value is not { } trie)
        {
            return null;
        }

        if (wait)
        {
            TableBuild.Enter();
        }
        else if (!TableBuild.TryEnter())
        {
            return null;
        }

        try
        {
            if (s_table is { } built && built.Generation == generation)
            {
                return built;
            }

            if (s_tableFailed == generation)
            {
                return null; // tried at this generation already
            }

            try
            {
                s_table = JiebaWordTable.Build(trie, generation);
                return s_table;
            }
#pragma warning disable CA1031 // The table only saves segmenting: without it the callers segment.
            catch (Exception)
#pragma warning restore CA1031
            {
                s_tableFailed = generation;
                return null;
            }
        }
        finally
        {
            TableBuild.Exit();
        }
    }

    /// <summary>
    /// Makes <paramref name="terms"/> the forced words of the dictionary, unless
    /// <paramref name="version"/> is the one already in force. Terms forced by an earlier version and
    /// absent now are taken back out: deleted when they were not in the main dictionary, returned to
    /// their original frequency when they were (a main-dictionary word is never deleted).
    /// One-character terms are not forced: a single character is already its own candidate word, and
    /// raising it only breaks real words apart (狗 out of 热狗), which the detection notes name as the
    /// main source of false positives.
    /// </summary>
    public static void ApplyTerms(string version, IReadOnlyCollection<string> terms)
    {
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var term in terms)
        {
            if (!string.IsNullOrWhiteSpace(term) && term.Length >= MinimumForcedTermLength)
            {
                wanted.Add(term);
            }
        }

        var segmenter = Instance;
        var words = WordDictionary.Instance;

        // Only one updater at a time, and no writer but us, while readers go on: the plan (a Cut per
        // new term, about 1 s for 51,000 terms) is made here, and readers wait only for the writes.
        Gate.EnterUpgradeableReadLock();
        try
        {
            if (string.Equals(_currentVersion, version, StringComparison.Ordinal))
            {
                return;
            }

            var dropped = Forced.Where(t => !wanted.Contains(t)).ToList();
            var added = new List<(string Term, int Original, int Frequency)>();
            foreach (var term in wanted)
            {
                if (Forced.Contains(term))
                {
                    continue; // forced by the version in force, at the frequency it needs
                }

                // The first time a term is seen, what the dictionary holds is the main dictionary's value.
                var original = OriginalFrequency.TryGetValue(term, out var known) ? known
                    : words.ContainsWord(term) ? words.GetFreqOrDefault(term) : 0;
                var frequency = Math.Max(TermFrequencyFloor, Math.Max(original, SuggestFrequency(segmenter, words, term)));
                added.Add((term, original, frequency));
            }

            Gate.EnterWriteLock();
            try
            {
                // Before any write: a graph read after this (even after a failure half-way) reads
                // again. A version that forces the same terms (a reload that changed a regex, an
                // action, a comment) writes nothing, so the word table (17 MB, 0.1 s to lay out)
                // and every reader's rows stay as they are.
                if (dropped.Count > 0 || added.Count > 0)
                {
                    Interlocked.Increment(ref s_generation);
                }

                foreach (var term in dropped)
                {
                    var original = OriginalFrequency[term];
                    if (original > 0)
                    {
                        words.AddWord(term, original);
                    }
                    else
                    {
                        words.DeleteWord(term);
                    }

                    Forced.Remove(term);
                }

                foreach (var (term, original, frequency) in added)
                {
                    OriginalFrequency.TryAdd(term, original);
                    words.AddWord(term, frequency);
                    Forced.Add(term);
                }

                // Only once every term is in: a failure half-way leaves the version unset, so the
                // next call with the same version tries again instead of being skipped.
                _currentVersion = version;
            }
            finally
            {
                Gate.ExitWriteLock();
            }

            // Readers go on meanwhile (they segment until it is there); no writer can come between.
            CurrentTable(wait: true);
        }
        finally
        {
            Gate.ExitUpgradeableReadLock();
        }
    }

    /// <summary>
    /// What jieba's suggest_freq gives (jieba.NET applies it when AddWord gets no frequency, but keeps
    /// it internal): the least frequency at which the word outweighs the pieces Jieba would otherwise
    /// cut it into, i.e. total × the product of the pieces' probabilities, plus one. Needs at least a
    /// read lock.
    /// </summary>
    private static int SuggestFrequency(JiebaSegmenter segmenter, WordDictionary words, string term)
    {
        var total = words.Total;
        var probability = 1.0;
        foreach (var piece in segmenter.Cut(term, cutAll: false, hmm: false))
        {
            probability *= words.GetFreqOrDefault(piece) / total;
        }

        return (int)Math.Min(int.MaxValue - 1, probability * total) + 1;
    }

    /// <summary>
    /// Throws <see cref="InvalidOperationException"/>, naming <see cref="ResourcesDirectory"/>, unless
    /// the main dictionary really loaded: every entry of dict.txt counted into the dictionary's total,
    /// and a sentence whose multi-character words only the dictionary knows comes out with them whole.
    /// </summary>
    public static void Verify()
    {
        var segmenter = Instance;
        var dictPath = Path.Combine(ResourcesDirectory, "dict.txt");

        long entries = 0;
        double fileTotal = 0;
        foreach (var line in File.ReadLines(dictPath))
        {
            var fields = line.Split(' ');
            if (fields.Length >= 2 && int.TryParse(fields[1], out var freq))
            {
                entries++;
                fileTotal += freq;
            }
        }

        const long ExpectedEntries = 300_000; // jieba.NET 0.42.2 ships 349,046
        if (entries < ExpectedEntries)
        {
            throw Broken($"{dictPath} has {entries:N0} entries; the jieba.NET 0.42.2 main dictionary has about 349,000.");
        }

        double loadedTotal;
        Gate.EnterReadLock();
        try { loadedTotal = WordDictionary.Instance.Total; }
        finally { Gate.ExitReadLock(); }

        // Forced terms only ever add to the total (a restored word gets its original frequency back),
        // so a dictionary that loaded all of dict.txt never totals less than the file.
        if (loadedTotal + 1 < fileTotal)
        {
            throw Broken($"the dictionary loaded only {loadedTotal:N0} of the {fileTotal:N0} total frequency in {dictPath}.");
        }

        const string Probe = "他去商店买了一袋漂白粉";
        var words = Cut(Probe, Timeout.InfiniteTimeSpan) ?? [];
        if (!words.Contains("漂白粉") || !words.Contains("商店"))
        {
            throw Broken($"'{Probe}' segmented as '{string.Join('/', words)}', without 商店 and 漂白粉 as words.");
        }

        static InvalidOperationException Broken(string why) => new(
            $"The Jieba dictionary in '{ResourcesDirectory}' did not load properly: {why} " +
            "Restore the folder from a fresh build or publish of GroupGuard.");
    }

    private static JiebaSegmenter CreateSegmenter()
    {
        var missing = RequiredFiles.Where(f => !File.Exists(Path.Combine(ResourcesDirectory, f))).ToList();
        if (missing.Count > 0)
        {
            // Checked here because jieba.NET does not: without dict.txt it segments on, silently worse.
            throw new InvalidOperationException(
                $"The Jieba resources folder '{ResourcesDirectory}' lacks {string.Join(", ", missing)}. " +
                "The build copies them from the jieba.NET package (GroupGuard.Text.Jieba.csproj); " +
                "restore the folder from a fresh build or publish of GroupGuard.");
        }

        // Must precede the first touch of WordDictionary: it reads the path in a static initialiser.
        ConfigManager.ConfigFileBaseDir = ResourcesDirectory;
        try
        {
            return LoadSegmenter();
        }
        catch (TypeInitializationException ex)
        {
            throw new InvalidOperationException(
                $"Jieba could not load its dictionary or HMM tables from '{ResourcesDirectory}': {ex.InnerException?.Message ?? ex.Message}",
                ex);
        }
    }

    // A separate, non-inlined method: the JIT may run a type's static initialiser when it compiles
    // a method that uses the type, which here would be before ConfigFileBaseDir is set.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static JiebaSegmenter LoadSegmenter()
    {
        var segmenter = new JiebaSegmenter();
        // Touch the dictionary and the HMM now, so the ~0.5 s load and any failure happen here.
        _ = WordDictionary.Instance.Total;
        _ = segmenter.Cut("预热", cutAll: false, hmm: true).Count();
        return segmenter;
    }
}
