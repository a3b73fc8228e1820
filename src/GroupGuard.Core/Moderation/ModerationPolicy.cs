using GroupGuard.Core.Detection;
using GroupGuard.Core.Rules;

namespace GroupGuard.Core.Moderation;

/// <summary>
/// Turns a verdict into incidents, one per rule that fired, each with the action its rule decides
/// and what became of it. The moderation issue adds escalation, dry run and platform calls; until
/// then actions that need the platform are recorded as <see cref="ActionStatus.Skipped"/>.
/// </summary>
public static class ModerationPolicy
{
    public static IReadOnlyList<Incident> Decide(ChatMessage message, Verdict verdict, DateTimeOffset detectedAt)
    {
        if (!verdict.Flagged)
        {
            return [];
        }

        var incidents = new Incident[verdict.Hits.Count];
        for (var i = 0; i < incidents.Length; i++)
        {
            var hit = verdict.Hits[i];
            incidents[i] = new Incident
            {
                Time = message.Time,
                DetectedAt = detectedAt,
                Platform = message.Platform,
                BotId = message.BotId,
                GroupId = message.GroupId,
                UserId = message.UserId,
                SenderName = message.SenderName,
                SenderRole = message.SenderRole,
                MessageId = message.MessageId,
                Pack = hit.Rule.PackId,
                Rule = hit.Rule.Id,
                Category = hit.Rule.Category,
                Severity = hit.Rule.Severity,
                MatchedTerm = hit.Matched,
                MessageText = message.Text,
                DecidedAction = hit.Rule.Action,
                ActionStatus = StatusOf(hit.Rule, message),
                RuleSetVersion = verdict.RuleSetVersion,
            };
        }

        return incidents;
    }

    private static string StatusOf(Rule rule, ChatMessage message)
    {
        if (message.SenderRole is SenderRole.Owner or SenderRole.Admin)
        {
            return ActionStatus.Exempt;
        }

        if (rule.Mode == RuleMode.Shadow)
        {
            return ActionStatus.DryRun;
        }

        // Logging is the whole of a log action: the incident row is it.
        return rule.Action == ModerationAction.Log ? ActionStatus.Done : ActionStatus.Skipped;
    }
}
