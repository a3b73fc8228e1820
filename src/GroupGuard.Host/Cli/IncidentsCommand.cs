using System.Globalization;
using GroupGuard.Core;

namespace GroupGuard.Host.Cli;

internal static class IncidentsCommand
{
    /// <summary>
    /// <c>incidents mark ID --false-positive [--note TEXT]</c> (or <c>--not-false-positive</c>): a
    /// human's verdict. Prints the <c>unless</c> and <c>allow.txt</c> lines that would have prevented it.
    /// </summary>
    public static async Task<int> MarkAsync(long id, bool falsePositive, string? note, IIncidentStore store, Core.Accounts.IAccountStore audit, TimeProvider time, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken);
        var incident = await store.GetAsync(id, cancellationToken);
        var now = time.GetUtcNow();
        var who = VerbHost.Actor;
        if (incident is null || !await store.MarkFalsePositiveAsync(id, falsePositive, note, now, who, cancellationToken))
        {
            await error.WriteLineAsync($"groupguard incidents mark: there is no incident {id}");
            return 1;
        }

        await audit.AuditAsync(new Core.Accounts.AuditEntry(0, now, who, falsePositive ? "mark_false_positive" : "unmark_false_positive", $"incident {id}", note), cancellationToken);

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

    public static async Task<int> ExportAsync(string format, DateTimeOffset? since, IIncidentStore store, Stream output, TextWriter error, CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken);
        var count = await IncidentExport.WriteAsync(store.QueryAsync(new IncidentQuery(since), cancellationToken), format, output, cancellationToken);
        await error.WriteLineAsync(count == 1 ? "1 incident exported" : $"{count} incidents exported");
        return 0;
    }
}
