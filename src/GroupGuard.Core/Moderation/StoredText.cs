namespace GroupGuard.Core.Moderation;

/// <summary>
/// How much of a message an incident keeps. A message may be long (a pasted article, a forged
/// event); its incident keeps the part around the hits, so the database and every digest, export
/// and console page built from it stay small whatever was sent.
/// </summary>
public static class StoredText
{
    /// <summary>The most of a message's text one incident keeps, in UTF-16 code units.</summary>
    public const int MaxMessageChars = 8192;

    /// <summary>Sender and group names kept at most (QQ and WeChat names are far shorter).</summary>
    public const int MaxNameChars = 128;

    /// <summary>What a regex or detector matched, kept at most.</summary>
    public const int MaxMatchedChars = 256;

    private const string Ellipsis = "…";

    /// <summary>
    /// What an incident keeps of <paramref name="text"/> under <c>GroupGuard:Privacy:StoreText</c>:
    /// all of it, masked around <paramref name="spans"/> (<see cref="EvidenceMasker"/>), or nothing;
    /// as a <see cref="Window"/> when long. <paramref name="shift"/> is the window's (0 when nothing is kept).
    /// </summary>
    public static string Kept(string text, IReadOnlyList<EvidenceSpan> spans, StoreText mode, out int shift)
    {
        shift = 0;
        var kept = mode switch
        {
            StoreText.Full => text,
            StoreText.Masked => EvidenceMasker.Mask(text, spans),
            _ => "",
        };
        return kept.Length == 0 ? kept : Window(kept, spans, out shift);
    }

    /// <summary>
    /// What an incident keeps of the words a rule matched: all of them with <c>StoreText: full</c>
    /// (retention masks them later); else masked at once as a digest shows them
    /// (<see cref="EvidenceMasker.MaskTerm(string, string?)"/>), since a privacy hit is the number itself.
    /// </summary>
    public static string Term(string matched, string? category, StoreText mode)
    {
        var kept = Cut(matched, MaxMatchedChars)!;
        return mode == StoreText.Full ? kept : EvidenceMasker.MaskTerm(kept, category);
    }

    /// <summary>
    /// The part of <paramref name="text"/> an incident keeps: all of it when short enough, else a
    /// window that starts a little before the first span, marked with an ellipsis at each cut.
    /// <paramref name="shift"/> is what to subtract from an offset in the text to get its offset in
    /// the window (spans outside the window cannot be shown).
    /// </summary>
    public static string Window(string text, IEnumerable<EvidenceSpan> spans, out int shift)
    {
        shift = 0;
        if (text.Length <= MaxMessageChars)
        {
            return Clean(text);
        }

        var room = MaxMessageChars - (2 * Ellipsis.Length);
        var first = spans.Select(s => s.Start).DefaultIfEmpty(0).Min();
        var start = Math.Clamp(first - (room / 8), 0, text.Length - room);
        var end = start + room;

        // Never cut a surrogate pair in half: a lone surrogate is not text.
        if (start > 0 && char.IsLowSurrogate(text[start]))
        {
            start++;
        }

        if (end < text.Length && char.IsHighSurrogate(text[end - 1]))
        {
            end--;
        }

        var prefix = start > 0 ? Ellipsis : "";
        shift = start - prefix.Length;
        return Clean(string.Concat(prefix, text.AsSpan(start, end - start), end < text.Length ? Ellipsis : ""));
    }

    /// <summary>The spans that lie wholly inside <paramref name="window"/>, moved by <paramref name="shift"/>.</summary>
    public static IReadOnlyList<EvidenceSpan> Shift(IEnumerable<EvidenceSpan> spans, int shift, string window)
    {
        var kept = new List<EvidenceSpan>();
        foreach (var span in spans)
        {
            var start = span.Start - shift;
            if (start >= 0 && start + span.Length <= window.Length)
            {
                kept.Add(new EvidenceSpan(start, span.Length));
            }
        }

        return kept;
    }

    /// <summary>A name or matched text cut to <paramref name="max"/> code units (an ellipsis marks the cut); null stays null.</summary>
    public static string? Cut(string? text, int max)
    {
        if (text is null || text.Length <= max)
        {
            return text is null ? null : Clean(text);
        }

        var end = max - Ellipsis.Length;
        if (char.IsHighSurrogate(text[end - 1]))
        {
            end--;
        }

        return Clean(string.Concat(text.AsSpan(0, end), Ellipsis));
    }

    /// <summary>
    /// <paramref name="text"/> with each NUL (U+0000) and each half of a surrogate pair standing
    /// alone as U+FFFD: PostgreSQL refuses a NUL in text, and its driver a lone surrogate (no
    /// character of any encoding), so one text carrying either would fail its write for ever. One
    /// code unit for one, so evidence offsets stay where they were. Null stays null.
    /// </summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(text))]
    public static string? Clean(string? text)
    {
        var bad = text is null ? -1 : FirstBad(text);
        if (bad < 0)
        {
            return text;
        }

        var chars = text!.ToCharArray();
        for (var i = bad; i < chars.Length; i++)
        {
            if (chars[i] == '\0')
            {
                chars[i] = '\uFFFD';
            }
            else if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
            {
                i++; // a pair, kept
            }
            else if (char.IsSurrogate(chars[i]))
            {
                chars[i] = '\uFFFD';
            }
        }

        return new string(chars);
    }

    /// <summary>Where the first NUL or lone surrogate stands, or -1.</summary>
    private static int FirstBad(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0')
            {
                return i;
            }

            if (char.IsSurrogate(c))
            {
                if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    i++;
                    continue;
                }

                return i;
            }
        }

        return -1;
    }
}
