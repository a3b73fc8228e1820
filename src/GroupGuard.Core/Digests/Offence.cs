namespace GroupGuard.Core.Digests;

/// <summary>
/// One message that broke rules, with its incidents (one per rule it hit, its pictures' and
/// forwarded chats' hits besides), most severe first. Digests and alerts count and show messages,
/// not hits: a message shown once per hit, each copy masking another hit, would show the whole of
/// it between them.
/// </summary>
internal sealed class Offence
{
    private Offence(List<Incident> hits) => Hits = hits;

    /// <summary>The message's incidents, most severe first, then as detected.</summary>
    public IReadOnlyList<Incident> Hits { get; }

    /// <summary>The most severe hit: the message's severity, time, sender and excerpt are its.</summary>
    public Incident Top => Hits[0];

    public Severity Severity => Top.Severity;

    /// <summary>
    /// The hit whose action the message's outcome is: the most severe that was not skipped for
    /// another hit's action on the same message.
    /// </summary>
    public Incident Acted => Hits.FirstOrDefault(i => i.ActionStatus != ActionStatus.Skipped) ?? Top;

    /// <summary>
    /// The hit that carries the clear of a kick or of a message's earlier pieces, if any: where two
    /// bots in the group each cleared (each bot's copy of the message is a hit of it), the one that
    /// recalled the most, whose count is the message's; the other's recalls of the same messages
    /// found them gone.
    /// </summary>
    public Incident Clearing =>
        Hits.Where(i => i.ClearedMessages + i.ClearFailed > 0).OrderByDescending(i => i.ClearedMessages).ThenBy(i => i.ClearFailed).FirstOrDefault() ?? Acted;

    /// <summary>Incidents grouped by message (<see cref="Incident.MessageKey"/>), in the order first seen.</summary>
    public static List<Offence> Of(IEnumerable<Incident> incidents) =>
        [.. incidents.GroupBy(i => i.MessageKey).Select(g => new Offence([.. g.Order(AlertBuilder.ShownFirst)]))];

    /// <summary>"8 条违规消息（15 次命中）", the hits said only when there are more of them than messages.</summary>
    public static string Count(int messages, int hits) =>
        $"{messages} 条违规消息" + (hits > messages ? $"（{hits} 次命中）" : "");

    /// <summary>The categories it hit in a leader's words (广告引流, 诈骗), each once, most severe first.</summary>
    public string Categories(Func<string, string> quote) =>
        string.Join("、", Hits.Select(i => i.Category).Distinct(StringComparer.Ordinal).Select(c => DigestBuilder.CategoryName(c, quote)));

    /// <summary>The rules it hit, each once, most severe first, by the names a leader reads (<see cref="DigestBuilder.RuleName"/>).</summary>
    public string Rules(Func<string, string?>? names, Func<string, string> quote) => DigestBuilder.RuleNames(Hits, names, quote);

    /// <summary>
    /// The excerpt of the top hit's text with every hit on that same text masked at once (a forwarded
    /// chat's hits may quote other inner messages: their spans are theirs).
    /// </summary>
    public string Excerpt(Func<string, string> quote) =>
        DigestBuilder.Excerpt(Top.MessageText, Hits.Where(i => string.Equals(i.MessageText, Top.MessageText, StringComparison.Ordinal)), quote);
}
