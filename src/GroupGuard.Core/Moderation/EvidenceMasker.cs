namespace GroupGuard.Core.Moderation;

/// <summary>Masks evidence for <c>StoreText: masked</c>: the matched spans, and runs of six or more digits.</summary>
public static class EvidenceMasker
{
    private const int LongDigitRun = 6;

    public static string Mask(string text, IEnumerable<EvidenceSpan> spans)
    {
        var chars = text.ToCharArray();
        foreach (var span in spans)
        {
            for (var i = Math.Max(0, span.Start); i < Math.Min(chars.Length, span.Start + span.Length); i++)
            {
                chars[i] = '*';
            }
        }

        for (var i = 0; i < chars.Length;)
        {
            var end = i;
            while (end < chars.Length && (char.IsAsciiDigit(chars[end]) || chars[end] is >= '０' and <= '９'))
            {
                end++;
            }

            if (end - i >= LongDigitRun)
            {
                Array.Fill(chars, '*', i, end - i);
            }

            i = end == i ? i + 1 : end;
        }

        return new string(chars);
    }
}
