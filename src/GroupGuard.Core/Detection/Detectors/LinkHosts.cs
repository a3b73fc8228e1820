namespace GroupGuard.Core.Detection.Detectors;

/// <summary>
/// A regex rule's <c>allow_domains</c>: the links a match takes in, read as the <c>url</c> detector
/// reads them (the host after a user name, full-width dots, look-alike letters), each judged by
/// its host. A phrase near a link (<c>unless_near</c>) cannot tell <c>mp.weixin.qq.com</c> from
/// <c>qq.com.evil.top</c>; the host can.
/// </summary>
internal sealed class LinkHosts
{
    // Reports the links whose host is not on the list, and those whose host is.
    private readonly UrlDetector _outside;
    private readonly UrlDetector _inside;

    public LinkHosts(DomainList allowed)
    {
        _outside = new UrlDetector(allowed, DomainList.Empty);
        _inside = new UrlDetector(DomainList.Empty, allowed);
    }

    /// <summary>The links of <paramref name="text"/> (the message as written), read once for all the rule's matches in it.</summary>
    public Links Read(string text)
    {
        var outside = new List<DetectorMatch>();
        _outside.Find(text, outside);
        var inside = new List<DetectorMatch>();
        if (text.Length > 0)
        {
            _inside.Find(text, inside);
        }

        return new Links(outside, inside);
    }

    /// <summary>A message's links, on the list and off it.</summary>
    internal sealed class Links(List<DetectorMatch> outside, List<DetectorMatch> inside)
    {
        /// <summary>
        /// The first link overlapping the match [<paramref name="start"/>, <paramref name="end"/>)
        /// as written, when there is one, it has its host on the list, and no link off the list
        /// overlaps the match or the text around it [<paramref name="from"/>, <paramref name="to"/>);
        /// otherwise null (a match without a link, or beside one off the list, counts).
        /// </summary>
        public string? AllowedWithin(int start, int end, int from, int to)
        {
            foreach (var link in outside)
            {
                if (Overlaps(link, Math.Min(start, from), Math.Max(end, to)))
                {
                    return null;
                }
            }

            foreach (var link in inside)
            {
                if (Overlaps(link, start, end))
                {
                    return link.Value;
                }
            }

            return null;
        }

        private static bool Overlaps(DetectorMatch link, int start, int end) => link.Start < end && start < link.Start + link.Length;
    }
}
