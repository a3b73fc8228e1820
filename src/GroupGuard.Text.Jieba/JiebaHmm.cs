using System.Reflection;
using JiebaNet.Segmenter;
using JiebaNet.Segmenter.FinalSeg;

namespace GroupGuard.Text.Jieba;

/// <summary>
/// How jieba.NET's HMM (its FinalSeg.Viterbi) cuts a run of single characters that is no dictionary
/// word, computed here from jieba.NET's own loaded tables with the same sums in the same order, the
/// same ties (the later predecessor wins an equal score; E wins an equal final score), and the same
/// splitting of the run: hanzi blocks go through Viterbi, anything else is cut into letter and digit
/// runs (with a decimal part and a per cent sign) and the pieces between them. Read-only once made.
/// </summary>
internal sealed class JiebaHmm
{
    private const int States = 4; // jieba's order: B, M, E, S
    private const int B = 0, M = 1, E = 2, S = 3;
    private const char FirstHan = '\u4E00', LastHan = '\u9FD5';
    private const int HanCount = LastHan - FirstHan + 1;

    // Each state's predecessors, in the order jieba.NET tries them.
    private static readonly int[][] Previous = [[E, S], [M, B], [B, M], [S, E]];

    private readonly double[] _start = new double[States];
    private readonly double[] _transition = new double[States * States]; // [from * 4 + to]
    private readonly double[] _emission = new double[States * HanCount]; // [state * HanCount + (c - FirstHan)]

    private JiebaHmm()
    {
    }

    /// <summary>
    /// The model jieba.NET loaded (from its internal fields), or null when this jieba.NET keeps it
    /// elsewhere: then nothing is known of such runs and the caller segments.
    /// </summary>
    public static JiebaHmm? FromJieba()
    {
        _ = Viterbi.Instance; // loads the model
        const BindingFlags Static = BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public;
        if (typeof(Viterbi).GetField("_startProbs", Static)?.GetValue(null) is not IDictionary<char, double> start
            || typeof(Viterbi).GetField("_transProbs", Static)?.GetValue(null) is not IDictionary<char, IDictionary<char, double>> transition
            || typeof(Viterbi).GetField("_emitProbs", Static)?.GetValue(null) is not IDictionary<char, IDictionary<char, double>> emission)
        {
            return null;
        }

        const string Names = "BMES";
        var hmm = new JiebaHmm();
        for (var state = 0; state < States; state++)
        {
            if (!start.TryGetValue(Names[state], out hmm._start[state]) || !emission.TryGetValue(Names[state], out var emits))
            {
                return null;
            }

            for (var to = 0; to < States; to++)
            {
                hmm._transition[state * States + to] = transition.TryGetValue(Names[state], out var row) && row.TryGetValue(Names[to], out var p) ? p : Constants.MinProb;
            }

            var column = hmm._emission.AsSpan(state * HanCount, HanCount);
            column.Fill(Constants.MinProb);
            foreach (var (c, p) in emits)
            {
                if (c is >= FirstHan and <= LastHan)
                {
                    column[c - FirstHan] = p;
                }
            }
        }

        return hmm;
    }

    /// <summary>
    /// Marks in <paramref name="starts"/> (as long as <paramref name="run"/>) where the HMM's words
    /// begin: 1 at the start of a word, 0 inside one. False if the words would not tile the run.
    /// </summary>
    public bool Cut(ReadOnlySpan<char> run, Span<sbyte> starts)
    {
        for (var i = 0; i < run.Length;)
        {
            var han = IsHan(run[i]);
            var end = i + 1;
            while (end < run.Length && IsHan(run[end]) == han)
            {
                end++;
            }

            if (han ? !CutHan(run[i..end], starts[i..end]) : !CutOther(run[i..end], starts[i..end]))
            {
                return false;
            }

            i = end;
        }

        return true;
    }

    private static bool IsHan(char c) => c is >= FirstHan and <= LastHan;

    // Letter and digit runs (a decimal part and a per cent sign go with them) are words, and so is
    // each stretch between them, whole.
    private static bool CutOther(ReadOnlySpan<char> text, Span<sbyte> starts)
    {
        for (var i = 0; i < text.Length;)
        {
            starts[i] = 1;
            var end = i;
            if (char.IsAsciiLetterOrDigit(text[i]))
            {
                while (end < text.Length && char.IsAsciiLetterOrDigit(text[end]))
                {
                    end++;
                }

                if (end + 1 < text.Length && text[end] == '.' && char.IsAsciiDigit(text[end + 1]))
                {
                    end += 2;
                    while (end < text.Length && char.IsAsciiDigit(text[end]))
                    {
                        end++;
                    }
                }

                if (end < text.Length && text[end] == '%')
                {
                    end++;
                }
            }
            else
            {
                while (end < text.Length && !char.IsAsciiLetterOrDigit(text[end]))
                {
                    end++;
                }
            }

            starts[(i + 1)..end].Clear();
            i = end;
        }

        return true;
    }

    private bool CutHan(ReadOnlySpan<char> text, Span<sbyte> starts)
    {
        var n = text.Length;
        Span<double> score = stackalloc double[States];
        Span<double> next = stackalloc double[States];
        var from = n <= 256 ? stackalloc byte[n * States] : new byte[n * States]; // the best predecessor of each state at each step
        for (var state = 0; state < States; state++)
        {
            score[state] = _start[state] + Emission(state, text[0]);
        }

        for (var i = 1; i < n; i++)
        {
            for (var state = 0; state < States; state++)
            {
                var emission = Emission(state, text[i]);
                var best = double.MinValue;
                var key = 0;
                foreach (var before in Previous[state])
                {
                    var value = score[before] + _transition[before * States + state] + emission;
                    if (best <= value)
                    {
                        (best, key) = (value, before);
                    }
                }

                next[state] = best;
                from[i * States + state] = (byte)key;
            }

            next.CopyTo(score);
        }

        // Back from the better of E and S, then words as jieba.NET reads them off the states.
        var at = score[E] < score[S] ? S : E;
        Span<byte> path = n <= 256 ? stackalloc byte[n] : new byte[n];
        for (var i = n - 1; i >= 0; i--)
        {
            path[i] = (byte)at;
            at = from[i * States + at];
        }

        var expected = 0; // where the next word must begin for the words to tile the text
        var begin = 0;
        for (var i = 0; i < n; i++)
        {
            int start;
            switch (path[i])
            {
                case B:
                    begin = i;
                    continue;
                case E:
                    start = begin;
                    break;
                case S:
                    start = i;
                    break;
                default:
                    continue;
            }

            if (start != expected)
            {
                return false;
            }

            starts[start] = 1;
            starts[(start + 1)..(i + 1)].Clear();
            expected = i + 1;
        }

        return expected == n;
    }

    private double Emission(int state, char c) => _emission[state * HanCount + (c - FirstHan)];
}
