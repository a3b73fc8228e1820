using System.Globalization;
using System.Text;
using GroupGuard.Core;
using GroupGuard.Core.Rules;
using GroupGuard.Core.Text;

namespace GroupGuard.Host.Cli;

internal static class IncidentsCommand
{
    /// <summary>
    /// <c>incidents mark ID --false-positive [--note TEXT]</c> (or <c>--not-false-positive</c>): a
    /// human's verdict. For a false positive, prints what would have prevented it: an allow phrase
    /// of whole words around the hit, under the key the rule's kind takes (<c>unless</c> for terms,
    /// an allow list for a regex or detector), or, when the hit is its words said plainly, that
    /// nothing is safe to allow and what to change instead. <paramref name="rules"/> loads the rules
    /// folder in force (null when it does not load), only for a false positive.
    /// </summary>
    public static async Task<int> MarkAsync(long id, bool falsePositive, string? note, IIncidentStore store, Core.Accounts.IAccountStore audit, TimeProvider time, Func<RuleSet?> rules, IWordSegmenter? segmenter, TextWriter output, TextWriter error, CancellationToken cancellationToken)
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
        if (falsePositive && incident.Spans.Count > 0)
        {
            var ruleSet = rules();
            var rule = ruleSet?.Rules.FirstOrDefault(r => r.Id == incident.Rule);
            if (Suggestion(incident, ruleSet, rule, segmenter) is { } suggestion)
            {
                await output.WriteAsync(Advice(incident, suggestion, rule));
            }
        }

        return 0;
    }

    /// <summary>
    /// The allow phrase for the incident's first hit (<see cref="AllowSuggestions"/>), or null when
    /// it has no span in its text. The words are Jieba's as the service reads them, with the rule
    /// set's word terms and the hit's own term made words: its Jieba alone would cut 我们用加微信群 as
    /// 我们/用加/微信/群 and take 用加 for a word the hit was cut out of.
    /// </summary>
    internal static AllowSuggestion? Suggestion(Incident incident, RuleSet? rules, Rule? rule, IWordSegmenter? segmenter)
    {
        if (incident.Spans.Count == 0)
        {
            return null;
        }

        if (segmenter is not null && rules is not null)
        {
            var words = new HashSet<string>(rules.WordTerms, StringComparer.Ordinal);
            if (rule is { Terms.Count: > 0 } && rules.Fold(incident.MatchedTerm) is { Length: >= 2 } term)
            {
                words.Add(term);
            }

            segmenter.UseTerms(rules.Version + "+" + incident.MatchedTerm, words);
        }

        return AllowSuggestions.For(incident.MessageText, incident.Spans[0].Start, incident.Spans[0].Length, segmenter);
    }

    /// <summary>
    /// What to add, and where, for <paramref name="rule"/> (null when the rules folder no longer
    /// has it): a term rule takes the phrase as <c>unless</c>, narrowest of all, or the group's allow
    /// list; a regex or detector rule has no <c>unless</c>, and only an allow phrase that covers its
    /// whole match cancels it, so the group's list, else <c>allow.txt</c>.
    /// </summary>
    internal static string Advice(Incident incident, AllowSuggestion suggestion, Rule? rule)
    {
        var text = new StringBuilder();
        var group = GroupAllowList.IsFileGroupId(incident.GroupId) ? incident.GroupId : null;
        var groupList = group is null ? null : GroupAllowList.FileName(group);
        if (suggestion.Phrase is not { } phrase)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Nothing here is safe to allow: '{suggestion.Hit}' is said plainly ({suggestion.Context}), with no ordinary word beside it that an allow phrase could hold, and an allow phrase of these words would let them through wherever they are said.");
            if (rule is not null)
            {
                var narrower = rule.Terms.Count > 0 && rule.Target == TermTarget.Any ? ", or narrow it (target: person fires only where a person is named near it)" : "";
                text.AppendLine(group is null
                    ? $"If {rule.Id} is wrong here, change the rule in {rule.SourcePath}: mode: shadow (it records and never acts){narrower}."
                    : $"If {rule.Id} should not act in group {group}, leave its pack out there (\"!{group}\" in the groups: of {rule.SourcePath}, or GroupGuard:Groups:{group}:Packs without {rule.PackId}), or change the rule: mode: shadow (it records and never acts){narrower}.");
            }

            return text.ToString();
        }

        var command = phrase.Length <= GroupAllowList.MaxPhraseLength ? $" (or send /gg 放行 {phrase} there)" : "";
        if (rule is { Terms.Count: > 0 })
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"To keep it from firing again on messages like this one, add the phrase to the rule {rule.Id} ({rule.SourcePath}:{rule.Line}):");
            text.AppendLine(CultureInfo.InvariantCulture, $"    unless: [{Yaml(phrase)}]");
            if (groupList is not null)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"or, for every rule in group {group} only, this line to {groupList}{command}:");
                text.AppendLine(CultureInfo.InvariantCulture, $"    {phrase}");
            }

            return text.ToString();
        }

        text.AppendLine(rule is null
            ? $"The rules in force have no rule {incident.Rule}; an allow phrase that covers the whole hit would have kept it from firing."
            : $"{rule.Id} is a {(rule.Regex is not null ? "regex" : "detector")} rule: it takes no unless, and only an allow phrase that covers its whole match cancels it.");
        text.AppendLine(groupList is not null
            ? $"To keep it from firing again on messages like this one, add this line to {groupList}, for group {group} only{command}:"
            : $"To keep it from firing again on messages like this one, add this line to {RuleLoader.AllowFile}:");
        text.AppendLine(CultureInfo.InvariantCulture, $"    {phrase}");
        if (groupList is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"or, for every group, to {RuleLoader.AllowFile}.");
        }

        if (rule is not null)
        {
            text.AppendLine("(A notice that quotes an offer to warn against it is better cancelled by the rule's unless_preceded_by or unless_near: README, Rules.)");
        }

        return text.ToString();
    }

    /// <summary>The phrase as an item of a YAML flow list: quoted when a character there would mean something else.</summary>
    private static string Yaml(string phrase) =>
        phrase.AsSpan().IndexOfAny(",[]{}:#'\"&*!|>%@`") >= 0 || phrase.StartsWith('-') || phrase.StartsWith('?')
            ? "'" + phrase.Replace("'", "''", StringComparison.Ordinal) + "'"
            : phrase;

    public static async Task<int> ExportAsync(string format, DateTimeOffset? since, IIncidentStore store, Stream output, TextWriter error, CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken);
        var count = await IncidentExport.WriteAsync(store.QueryAsync(new IncidentQuery(since), cancellationToken), format, output, cancellationToken);
        await error.WriteLineAsync(count == 1 ? "1 incident exported" : $"{count} incidents exported");
        return 0;
    }
}
