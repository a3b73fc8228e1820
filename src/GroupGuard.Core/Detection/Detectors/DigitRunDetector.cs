namespace GroupGuard.Core.Detection.Detectors;

/// <summary>
/// A number detector: walks the text's digit runs (see <see cref="DigitText"/>) and asks the
/// detector whether a number starts at each; after a match the walk goes on past it. A number
/// after a label that says it is something else (订单号：, see <see cref="NumberLabels"/>) is passed over.
/// </summary>
internal abstract class DigitRunDetector : IDetector
{
    public abstract string Name { get; }

    /// <summary>A number needs a digit: one part.</summary>
    public IReadOnlyList<IReadOnlyList<LiteralSet>> Parts { get; } = [[LiteralSet.AnyDigit]];

    /// <summary>The labels that make a number something this detector does not look for.</summary>
    protected virtual NumberLabel NotMine => NumberLabel.Reference;

    public void Find(string text, List<DetectorMatch> matches)
    {
        var span = text.AsSpan();
        var i = 0;
        while (i < span.Length)
        {
            var next = span[i..].IndexOfAny(DigitText.Digits);
            if (next < 0)
            {
                return;
            }

            var start = i + next;
            var end = DigitText.RunEnd(span, start);
            if (TryMatch(span, start, end, out var matchStart, out var matchEnd))
            {
                if ((NumberLabels.Before(span, matchStart) & NotMine) == 0)
                {
                    matches.Add(new DetectorMatch(matchStart, matchEnd - matchStart, text[matchStart..matchEnd]));
                }

                i = matchEnd;
            }
            else
            {
                i = end;
            }
        }
    }

    /// <summary>The number, if any, that the digit run [<paramref name="start"/>, <paramref name="end"/>) of <paramref name="text"/> begins.</summary>
    protected abstract bool TryMatch(ReadOnlySpan<char> text, int start, int end, out int matchStart, out int matchEnd);
}
