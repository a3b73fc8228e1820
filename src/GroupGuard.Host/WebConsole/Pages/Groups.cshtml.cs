using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host.WebConsole.Pages;

/// <summary>One group's effective settings.</summary>
public sealed record GroupRow(string GroupId, long Messages, string? Packs, bool DryRun, string Escalation);

public sealed class GroupsModel(
    IIncidentStore store,
    IOptionsMonitor<ModerationOptions> moderation,
    IOptionsMonitor<Dictionary<string, GroupOverride>> overrides,
    TimeProvider time) : ConsolePage
{
    public IReadOnlyList<GroupRow> Rows { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var (from, to, _) = IndexModel.Period(time);
        var counts = await store.GetMessageCountsAsync(from, to, Me.GroupScope, HttpContext.RequestAborted);
        var configured = overrides.CurrentValue;
        var ids = counts.Select(c => c.GroupId)
            .Concat(configured.Keys)
            .Concat(Me.GroupIds)
            .Distinct(StringComparer.Ordinal)
            .Where(Me.Sees)
            .Order(StringComparer.Ordinal);

        var options = moderation.CurrentValue;
        Rows = [.. ids.Select(id =>
        {
            var own = configured.GetValueOrDefault(id);
            var steps = own?.Escalation ?? options.Steps.ToList();
            return new GroupRow(
                id,
                counts.Where(c => c.GroupId == id).Sum(c => (long)c.Count),
                own?.Packs is { } packs ? string.Join(", ", packs) : null,
                own?.DryRun ?? options.DryRun,
                string.Join(" → ", steps.Select(s => $"{s.Count}: {WireNames<ModerationAction>.ToText(s.Action)}{(s.Action == ModerationAction.Mute ? $" {s.MuteMinutes} min" : "")}")));
        })];
    }
}
