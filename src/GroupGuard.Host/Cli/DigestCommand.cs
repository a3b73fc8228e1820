using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using GroupGuard.Core;
using GroupGuard.Core.Digests;
using GroupGuard.Host.Digests;

namespace GroupGuard.Host.Cli;

/// <summary><c>groupguard digest preview|send|list</c>.</summary>
internal static class DigestCommand
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task<int> PreviewAsync(DigestService digests, string leaderName, DateTimeOffset? from, DateTimeOffset? to, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (await LeaderAsync(digests, leaderName, "preview", error) is not { } leader)
        {
            return 2;
        }

        var end = to ?? digests.Now;
        var lastEnd = from is null ? await digests.Outbox.LastPeriodEndAsync(leader.Name, cancellationToken) : null;
        var start = from ?? lastEnd ?? end.AddHours(-24);
        if (start >= end)
        {
            // Say which of the two times was not given, and where it was taken from.
            var problem = (from, to) switch
            {
                ({ }, { }) => "--from must be before --to",
                ({ }, null) => $"--from {Iso(start)} is not before now ({Iso(end)}), where the period ends without --to; give a --to after it",
                (null, { }) => $"--to {Iso(end)} is not after the end of {leader.Name}'s last digest ({Iso(start)}), where the period starts without --from; give a --from before it",
                (null, null) => $"{leader.Name}'s last digest ends at {Iso(start)}, not before now ({Iso(end)}); give --from and --to",
            };
            await error.WriteLineAsync($"groupguard digest preview: {problem} (ISO-8601, e.g. 2026-11-25T08:00:00+08:00)");
            return 2;
        }

        var document = await digests.BuildAsync(leader, start, end, cancellationToken);
        await output.WriteAsync(document.Markdown);
        return 0;
    }

    public static async Task<int> SendAsync(DigestService digests, string leaderName, bool force, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (await LeaderAsync(digests, leaderName, "send", error) is not { } leader)
        {
            return 2;
        }

        var now = digests.Now;
        if (!force && await digests.TooSoonAfterAsync(leader, now, cancellationToken) is { } last)
        {
            // Nothing is wrong: there is just nearly nothing to send. A script that runs the command
            // twice sends once.
            await output.WriteLineAsync(
                $"nothing sent: {leader.Name}'s last digest ended at {Iso(last)}, {Ago(now - last)} ago, less than {DigestService.MinimumPeriod.TotalMinutes:0} minutes; " +
                "--force sends a digest of that time all the same");
            return 0;
        }

        var record = await digests.RunAsync(leader, now, cancellationToken);
        if (record is null)
        {
            await output.WriteLineAsync($"nothing to send: {leader.Name}'s last digest already covers up to now");
            return 0;
        }

        // The digest just made is the leader's latest; read it back for the channels' outcomes.
        var stored = await digests.Outbox.LatestAsync(leader.Name, cancellationToken) ?? record;
        await output.WriteLineAsync(Line(stored));

        // A digest one of whose channels did not take it is not sent: a script or a cron job must hear of it.
        var notSent = stored.Channels.Where(c => c.Value.Status != ChannelStatus.Sent).ToList();
        if (notSent.Count == 0)
        {
            return 0;
        }

        await error.WriteLineAsync(
            $"groupguard digest send: not sent on {string.Join(", ", notSent.Select(c => $"{c.Key} ({WireNames<ChannelStatus>.ToText(c.Value.Status)}{(c.Value.Error is null ? "" : ": " + c.Value.Error)})"))}" +
            (notSent.Any(c => c.Value.Status == ChannelStatus.Pending) ? "; a pending channel is tried again by the running service" : ""));
        return 1;
    }

    /// <summary>
    /// The outbox, one line each (or JSON), each entry named as the console's digests page names it
    /// (<see cref="OutboxEntryName"/>: 告警 office, 告警跟进 office, a leader by name), or by its key
    /// with <paramref name="keys"/> (alert:office, as the log names it). <paramref name="leaderName"/>
    /// takes either: a leader's name, an entry's name as listed, or its key.
    /// </summary>
    public static async Task<int> ListAsync(DigestService digests, string? leaderName, bool jsonl, bool keys, TextWriter output, CancellationToken cancellationToken)
    {
        var key = leaderName is null || digests.Leader(leaderName) is not null ? leaderName : OutboxEntryName.KeyOf(leaderName);
        await foreach (var record in digests.Outbox.ListAsync(key, cancellationToken))
        {
            await output.WriteLineAsync(jsonl ? JsonLine(record) : Line(record, keys));
        }

        return 0;
    }

    private static async Task<LeaderOptions?> LeaderAsync(DigestService digests, string name, string verb, TextWriter error)
    {
        if (digests.Leader(name) is { } leader)
        {
            return leader;
        }

        await error.WriteLineAsync($"groupguard digest {verb}: no leader named '{name}' (configured: {string.Join(", ", digests.Leaders.Select(l => l.Name))})");
        return null;
    }

    /// <summary>A short time as a person says it: 42 s, 3 min 5 s.</summary>
    private static string Ago(TimeSpan span) => span < TimeSpan.FromMinutes(1)
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalSeconds} s")
        : string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalMinutes} min {span.Seconds} s");

    private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// One entry: whose (as the console names it, or its key), its period, status and channels, and
    /// the offending messages it counted as its headline said them with its incidents (hits); one
    /// made before messages were kept, its incidents alone.
    /// </summary>
    private static string Line(DigestRecord r, bool key = false) =>
        $"{(key ? r.Leader : OutboxEntryName.Of(r.Leader))}  {Iso(r.PeriodFrom)} → {Iso(r.PeriodTo)}  {WireNames<DigestStatus>.ToText(r.Status)}  {string.Join(", ", r.Channels.Select(c => $"{c.Key}: {WireNames<ChannelStatus>.ToText(c.Value.Status)}{(c.Value.Error is null ? "" : $" ({c.Value.Error})")}"))}  "
        + (r.Messages is { } messages ? $"messages: {messages}, " : "") + $"incidents: {r.IncidentIds.Count}";

    private static string JsonLine(DigestRecord r) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["id"] = r.Id,
        ["leader"] = r.Leader,
        ["name"] = OutboxEntryName.Of(r.Leader),
        ["period_from"] = Iso(r.PeriodFrom),
        ["period_to"] = Iso(r.PeriodTo),
        ["status"] = WireNames<DigestStatus>.ToText(r.Status),
        ["channels"] = r.Channels.ToDictionary(c => c.Key, c => new Dictionary<string, object?>
        {
            ["status"] = WireNames<ChannelStatus>.ToText(c.Value.Status),
            ["attempts"] = c.Value.Attempts,
            ["error"] = c.Value.Error,
            ["sent_at"] = c.Value.SentAt is { } sent ? Iso(sent) : null,
        }),
        ["messages"] = r.Messages,
        ["incident_ids"] = r.IncidentIds,
    }, Json);
}
