using System.Globalization;
using GroupGuard.Core;

namespace GroupGuard.Host.Cli;

internal static class IncidentsCommand
{
    /// <summary>
    /// <c>incidents mark ID --false-positive [--note TEXT]</c> (or <c>--not-false-positive</c>): a
    /// human's verdict. Prints the <c>unless</c> and <c>allow.txt</c> lines that would have prevented it.
    /// </summary>
    public static async Task<int> MarkAsync(CommandLine command, IIncidentStore store, TimeProvider time, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (command.Verbs is not [_, _, var idText] || !long.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            await error.WriteLineAsync("usage: groupguard incidents mark ID --false-positive [--note TEXT]   (or --not-false-positive)");
            return 2;
        }

        var falsePositive = command.Options.ContainsKey("false-positive");
        if (falsePositive == command.Options.ContainsKey("not-false-positive"))
        {
            await error.WriteLineAsync("groupguard incidents mark: say --false-positive or --not-false-positive");
            return 2;
        }

        await store.InitializeAsync(cancellationToken);
        var incident = await store.GetAsync(id, cancellationToken);
        if (incident is null || !await store.MarkFalsePositiveAsync(id, falsePositive, command.Option("note"), time.GetUtcNow(), cancellationToken))
        {
            await error.WriteLineAsync($"groupguard incidents mark: there is no incident {id}");
            return 1;
        }

        await output.WriteLineAsync($"incident {id} ({incident.Rule}, '{incident.MatchedTerm}') marked {(falsePositive ? "false positive: it no longer counts towards escalation" : "not a false positive")}");
        if (falsePositive && Suggestion(incident) is { } phrase)
        {
            await output.WriteLineAsync("To keep it from firing again, add to the rule (in its pack file):");
            await output.WriteLineAsync($"    unless: [{phrase}]");
            await output.WriteLineAsync($"or, for every pack, this line to {Core.Rules.RuleLoader.AllowFile}:");
            await output.WriteLineAsync($"    {phrase}");
        }

        return 0;
    }

    /// <summary>The hit with a little of the text around it: a phrase that covers the hit, as the user wrote it.</summary>
    internal static string? Suggestion(Incident incident)
    {
        if (incident.Spans.Count == 0 || incident.MessageText.Length == 0)
        {
            return null;
        }

        var span = incident.Spans[0];
        if (span.Start + span.Length > incident.MessageText.Length)
        {
            return null;
        }

        static bool Word(char c) => char.IsLetterOrDigit(c);
        var start = span.Start;
        var end = span.Start + span.Length;
        for (var n = 0; n < 1 && start > 0 && Word(incident.MessageText[start - 1]); n++)
        {
            start--;
        }

        for (var n = 0; n < 1 && end < incident.MessageText.Length && Word(incident.MessageText[end]); n++)
        {
            end++;
        }

        var phrase = incident.MessageText[start..end].Trim();
        return phrase.Length > span.Length ? phrase : null;
    }

    public static async Task<int> ExportAsync(CommandLine command, IIncidentStore store, Stream output, TextWriter error, CancellationToken cancellationToken)
    {
        var format = (command.Option("format") ?? "jsonl").ToLowerInvariant();
        if (format is not ("jsonl" or "csv"))
        {
            await error.WriteLineAsync($"groupguard incidents export: --format must be jsonl or csv, got '{format}'");
            return 2;
        }

        DateTimeOffset? since = null;
        var sinceText = command.Option("since");
        if (sinceText is not null)
        {
            if (!DateTimeOffset.TryParse(sinceText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                await error.WriteLineAsync($"groupguard incidents export: --since must be an ISO-8601 time such as 2026-11-01 or 2026-11-01T08:00:00+08:00, got '{sinceText}'");
                return 2;
            }

            since = parsed;
        }

        await store.InitializeAsync(cancellationToken);
        var count = await IncidentExport.WriteAsync(store.QueryAsync(new IncidentQuery(since), cancellationToken), format, output, cancellationToken);
        await error.WriteLineAsync(count == 1 ? "1 incident exported" : $"{count} incidents exported");
        return 0;
    }
}
