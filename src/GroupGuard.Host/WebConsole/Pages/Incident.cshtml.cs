using System.Globalization;
using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using GroupGuard.Host.Commands;
using Microsoft.AspNetCore.Mvc;

namespace GroupGuard.Host.WebConsole.Pages;

public sealed class IncidentModel(IIncidentStore store, IIncidentBrowser browser, IPlatformActions actions, Core.Images.IImageBlocks images, Core.Rules.IRuleSetProvider rules, TimeProvider time) : ConsolePage
{
    public const int MaxNoteLength = 500;

    public Incident? Item { get; private set; }

    /// <summary>The incident's category as the page names it (<see cref="ConsoleText.Category"/>).</summary>
    public string Category => T.Category(Item!.Category, rules.Current);

    /// <summary>The incident's rule as the page names it, after its pack: its name and its id, or its id (<see cref="ConsoleText.Rule"/>).</summary>
    public string Rule => T.Rule(Item!.Rule, rules.Current, byPack: false);

    /// <summary>The pictures the incident's message had, as kept (hash and where each came from).</summary>
    public IReadOnlyList<Core.Images.IncidentPicture> Pictures { get; private set; } = [];

    /// <summary>The hashes already on the block list.</summary>
    public IReadOnlySet<ulong> Blocked { get; private set; } = new HashSet<ulong>();

    public async Task<IActionResult> OnGetAsync(long id)
    {
        Item = await store.GetAsync(id, HttpContext.RequestAborted);
        if (Item is not null && Me.Sees(Item.GroupId))
        {
            Pictures = await images.PicturesOfAsync(id, HttpContext.RequestAborted);
            Blocked = Pictures.Count == 0 ? new HashSet<ulong>() : (await images.ListAsync(HttpContext.RequestAborted)).Select(b => b.Hash).ToHashSet();
        }

        // Another group's incident does not exist for a leader: no hint that the id is used.
        return Item is null || !Me.Sees(Item.GroupId) ? NotFound() : Page();
    }

    /// <summary>Marks (<paramref name="falsePositive"/> <c>true</c>) or unmarks (<c>false</c>) the incident; any other value, or none, is a 400 that changes nothing.</summary>
    public async Task<IActionResult> OnPostMarkAsync(long id, string? falsePositive, string? note)
    {
        if (!IsAdmin)
        {
            return Forbid();
        }

        // Bound to a bool, "banana" (or nothing) read as false and took the mark back.
        if (falsePositive?.Trim() is not ("true" or "false"))
        {
            return Refused(id, T["The mark is true or false, as the page's button sends it: send the form from the incident's page."]);
        }

        if (FieldWords("Note", note, MaxNoteLength) is { } noteWords)
        {
            return Refused(id, noteWords);
        }

        note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        var marks = falsePositive.Trim() == "true";
        if (!await store.MarkFalsePositiveAsync(id, marks, note, time.GetUtcNow(), Me.Name, HttpContext.RequestAborted))
        {
            return NotFound();
        }

        await AuditAsync(marks ? "mark_false_positive" : "unmark_false_positive", $"incident {id}", note);
        Notice = T["Saved."];
        return RedirectToPage(new { id });
    }

    /// <summary>Puts one of the incident's pictures on the block list: near copies are flagged in every group from then on.</summary>
    public async Task<IActionResult> OnPostBlockAsync(long id, int picture, string? note)
    {
        if (!IsAdmin)
        {
            return Forbid();
        }

        if (FieldWords("Note", note, MaxNoteLength) is { } noteWords)
        {
            return Refused(id, noteWords);
        }

        var chosen = (await images.PicturesOfAsync(id, HttpContext.RequestAborted)).FirstOrDefault(p => p.Index == picture);
        if (chosen is null)
        {
            return NotFound();
        }

        note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        var block = await images.BlockAsync(chosen.Hash, id, note, time.GetUtcNow(), Me.Name, HttpContext.RequestAborted);
        await AuditAsync("image_block", $"incident {id} picture {picture}", $"#{block.Id}{(note is null ? "" : ": " + note)}");
        Notice = T["The picture is blocked in every group."];
        return RedirectToPage(new { id });
    }

    /// <summary>A form of the incident's page it cannot take, answered on the console's page with a link back to the incident (<see cref="ConsolePage.RefuseForm"/>).</summary>
    private IActionResult Refused(long id, string message) =>
        RefuseForm(message, $"/console/incidents/{id}", Format(T["Back to incident #{0}"], id));

    /// <summary>
    /// Whether something was not done as decided, of a kind the page words: the action failed, the
    /// platform cannot do it, or did something else instead (a kick it cannot do: muted instead).
    /// </summary>
    public static bool FailedSomehow(Incident incident) =>
        Core.Digests.DigestBuilder.SettledStatus(incident) is ActionStatus.Failed or ActionStatus.Unsupported || incident.ActionErrorKind is not null;

    /// <summary>Whether the incident's message brought a mute (decided, escalated or planned).</summary>
    public static bool Muted(Incident incident) =>
        incident.MuteSeconds > 0 || incident.DecidedAction == ModerationAction.Mute || incident.PlannedActions.Contains(ModerationAction.Mute);

    /// <summary>
    /// Lifts the sender's mute in the incident's group through its platform, as <c>/gg 误判</c> does
    /// (<see cref="MuteAfterMarks"/>): QQ keeps the last mute set, so where a genuine offence's mute
    /// (of another message, not marked false positive) is in force it is kept; where the message's
    /// mute in force replaced a genuine one that would still run, the mute is set again for what
    /// that has left; else it is lifted. Says what became of it, and what the platform answered.
    /// Only for an incident that muted (<see cref="Muted"/>), else a 409 and the platform is not called.
    /// </summary>
    public async Task<IActionResult> OnPostUnmuteAsync(long id)
    {
        if (!IsAdmin)
        {
            return Forbid();
        }

        var incident = await store.GetAsync(id, HttpContext.RequestAborted);
        if (incident is null)
        {
            return NotFound();
        }

        if (!Muted(incident))
        {
            return RefuseForm(Format(T["Incident #{0} did not mute its sender: there is no mute of it to lift."], id), $"/console/incidents/{id}", Format(T["Back to incident #{0}"], id), StatusCodes.Status409Conflict);
        }

        // The message's mute is on one of its incidents (the strongest hit's): the member's there are the mute to go.
        var now = time.GetUtcNow();
        var message = new GroupMessageRef(incident.Platform, incident.BotId, incident.GroupId, incident.MessageId);
        var lifting = (await store.FindByMessageAsync(message, HttpContext.RequestAborted)).Where(i => i.UserId == incident.UserId).Append(incident).DistinctBy(i => i.Id);
        var genuine = await MuteAfterMarks.GenuineAsync(browser, incident.Platform, incident.GroupId, incident.UserId, HttpContext.RequestAborted);
        var after = MuteAfterMarks.Decide(lifting, genuine, now);
        var who = $"{incident.Platform} group {incident.GroupId} user {incident.UserId}";
        if (after.Fix == MuteFix.KeptForAnother)
        {
            await AuditAsync("unmute", $"incident {id}", $"{who}: kept muted for another offence, incident #{after.Genuine!.Id}");
            Notice = string.Format(CultureInfo.InvariantCulture, T["Another offence's mute is in force (incident #{0}): it is not lifted."], after.Genuine.Id);
            return RedirectToPage(new { id });
        }

        // Lift, or nothing of GroupGuard's known to be in force: lifted as asked (a mute set by hand, a clock apart).
        var change = after.Fix == MuteFix.Shorten ? new MuteChange(incident.UserId, after.Seconds) : new MuteChange(incident.UserId);
        var result = await MuteAfterMarks.CarryOutAsync(actions, change, incident.Protocol, incident.Platform, incident.BotId, incident.GroupId, incident.MessageId, HttpContext.RequestAborted);
        var outcome = WireNames<ActionStatus>.ToText(result.Status) + (result.Error is null ? "" : ": " + result.Error);
        var asked = change.Seconds > 0 ? string.Create(CultureInfo.InvariantCulture, $"mute for the {change.Seconds} s left of incident #{after.Genuine!.Id}: ") : "";
        await AuditAsync("unmute", $"incident {id}", $"{who}: {asked}{outcome}");
        var done = result.Status == ActionStatus.Done;
        Notice = change.Seconds > 0
            ? (done
                ? string.Format(CultureInfo.InvariantCulture, T["The mute is now the {0} minutes another offence (incident #{1}) has left."], change.Minutes, after.Genuine!.Id)
                : T.Failed(string.Format(CultureInfo.InvariantCulture, T["The platform did not set the mute to the {0} minutes another offence has left"], change.Minutes), result.Status, result.ErrorKind))
            : done ? T["The mute is lifted."] : T.Failed(T["The platform did not lift the mute"], result.Status, result.ErrorKind);
        NoticeDetail = done ? null : result.Error;
        return RedirectToPage(new { id });
    }

    /// <summary>The message cut into plain and hit parts (spans are UTF-16 offsets into it; overlapping ones merge).</summary>
    public static IEnumerable<(string Part, bool Hit)> Parts(string text, IReadOnlyList<EvidenceSpan> spans)
    {
        var marked = new bool[text.Length];
        foreach (var span in spans)
        {
            for (var k = Math.Max(0, span.Start); k < Math.Min(text.Length, span.Start + span.Length); k++)
            {
                marked[k] = true;
            }
        }

        var start = 0;
        for (var k = 1; k <= text.Length; k++)
        {
            if (k == text.Length || marked[k] != marked[start])
            {
                yield return (text[start..k], marked[start]);
                start = k;
            }
        }
    }
}
