using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using GroupGuard.Core.Digests;
using GroupGuard.Host.Digests;

namespace GroupGuard.Host.Cli;

/// <summary><c>groupguard digest preview|send|list</c>.</summary>
internal static class DigestCommand
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task<int> RunAsync(CommandLine command, DigestService digests, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var verb = command.Verbs.Count > 1 ? command.Verbs[1] : "";
        var leaderName = command.Option("leader");
        var leader = leaderName is null ? null : digests.Leader(leaderName);
        if (verb is "preview" or "send" && leader is null)
        {
            var known = string.Join(", ", digests.Leaders.Select(l => l.Name));
            await error.WriteLineAsync(leaderName is null
                ? $"groupguard digest {verb}: give --leader NAME (configured: {known})"
                : $"groupguard digest {verb}: no leader named '{leaderName}' (configured: {known})");
            return 2;
        }

        switch (verb)
        {
            case "preview":
            {
                var to = Time(command.Option("to")) ?? digests.Now;
                var from = Time(command.Option("from")) ?? await digests.Outbox.LastPeriodEndAsync(leader!.Name, cancellationToken) ?? to.AddHours(-24);
                if (from >= to)
                {
                    await error.WriteLineAsync("groupguard digest preview: --from must be before --to (ISO-8601, e.g. 2026-11-25T08:00:00+08:00)");
                    return 2;
                }

                var document = await digests.BuildAsync(leader!, from, to, cancellationToken);
                await output.WriteAsync(document.Markdown);
                return 0;
            }

            case "send":
            {
                var record = await digests.RunAsync(leader!, digests.Now, cancellationToken);
                if (record is null)
                {
                    await output.WriteLineAsync($"nothing to send: {leader!.Name}'s last digest already covers up to now");
                    return 0;
                }

                // The digest just made is the leader's latest; read it back for the channels' outcomes.
                var stored = await digests.Outbox.LatestAsync(leader!.Name, cancellationToken) ?? record;
                await output.WriteLineAsync(Line(stored));
                return stored.Channels.Values.Any(c => c.Status == ChannelOutcome.Sent) ? 0 : 1;
            }

            case "list":
            {
                var jsonl = command.Option("format") is "jsonl";
                await foreach (var record in digests.Outbox.ListAsync(leaderName, cancellationToken))
                {
                    await output.WriteLineAsync(jsonl ? JsonLine(record) : Line(record));
                }

                return 0;
            }

            default:
                await error.WriteLineAsync("usage: groupguard digest preview --leader NAME [--from ISO-8601 --to ISO-8601] | send --leader NAME | list [--leader NAME] [--format jsonl]");
                return 2;
        }
    }

    private static DateTimeOffset? Time(string? text) =>
        text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string Line(DigestRecord r) =>
        $"{r.Leader}  {Iso(r.PeriodFrom)} → {Iso(r.PeriodTo)}  {r.Status}  {string.Join(", ", r.Channels.Select(c => $"{c.Key}: {c.Value.Status}{(c.Value.Error is null ? "" : $" ({c.Value.Error})")}"))}  incidents: {r.IncidentIds.Count}";

    private static string JsonLine(DigestRecord r) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["id"] = r.Id,
        ["leader"] = r.Leader,
        ["period_from"] = Iso(r.PeriodFrom),
        ["period_to"] = Iso(r.PeriodTo),
        ["status"] = r.Status,
        ["channels"] = r.Channels.ToDictionary(c => c.Key, c => new Dictionary<string, object?>
        {
            ["status"] = c.Value.Status,
            ["attempts"] = c.Value.Attempts,
            ["error"] = c.Value.Error,
            ["sent_at"] = c.Value.SentAt is { } sent ? Iso(sent) : null,
        }),
        ["incident_ids"] = r.IncidentIds,
    }, Json);
}
