using System.Globalization;
using GroupGuard.Core.Digests;
using GroupGuard.Host.Digests;
using Microsoft.AspNetCore.Mvc;

namespace GroupGuard.Host.WebConsole.Pages;

public sealed class DigestsModel : ConsolePage
{
    public const int Shown = 100;

    public IReadOnlyList<string> Leaders { get; private set; } = [];

    public IReadOnlyList<DigestRecord> Records { get; private set; } = [];

    public string? PreviewLeader { get; private set; }

    public string? Preview { get; private set; }

    /// <summary>
    /// The leader whose 立即发送 just sent nothing because the last digest ended moments ago: the
    /// page offers that leader a button that sends all the same.
    /// </summary>
    [TempData]
    public string? TooSoonLeader { get; set; }

    /// <summary>
    /// What a digest counted, as its headline says it: its offending messages (a message of several
    /// hits once, those marked false positive left out); for one made before they were kept, its
    /// incidents, said as hits (<c>5 次命中</c>), which is what they are.
    /// </summary>
    public string Counted(DigestRecord record) =>
        record.Messages is { } messages ? messages.ToString(CultureInfo.InvariantCulture) : string.Format(CultureInfo.InvariantCulture, T["{0} hits"], record.IncidentIds.Count);

    private DigestService Digests => HttpContext.RequestServices.GetRequiredService<DigestService>();

    public async Task<IActionResult> OnGetAsync(string? preview)
    {
        var digests = Digests;
        Leaders = [.. digests.Leaders.Select(l => l.Name)];
        Records = await digests.Outbox.NewestAsync(Shown, HttpContext.RequestAborted);
        if (preview is { Length: > 0 })
        {
            if (digests.Leader(preview) is not { } leader)
            {
                // A leader's name edited by hand, or one since taken out of the settings.
                return Refuse(
                    "preview",
                    preview,
                    Format(T["No leader is named {0}: the leaders are {1}."], QueryProblem.Shown(preview), Leaders.Count == 0 ? "—" : string.Join(T[", "], Leaders)),
                    "/console/digests",
                    T["Every digest"],
                    StatusCodes.Status404NotFound);
            }

            var end = digests.Now;
            var start = await digests.Outbox.LastPeriodEndAsync(leader.Name, HttpContext.RequestAborted) ?? end.AddHours(-24);
            PreviewLeader = leader.Name;
            Preview = start < end ? (await digests.BuildAsync(leader, start, end, HttpContext.RequestAborted)).Markdown : "";
        }

        return Page();
    }

    public async Task<IActionResult> OnPostSendAsync(string? leader, bool force)
    {
        var digests = Digests;
        if (leader is null || digests.Leader(leader) is not { } options)
        {
            return NotFound();
        }

        // As `digest send` without --force: right after the last digest there is nearly nothing to send.
        var now = digests.Now;
        if (!force && await digests.TooSoonAfterAsync(options, now, HttpContext.RequestAborted) is { } last)
        {
            Notice = string.Format(
                CultureInfo.InvariantCulture,
                T["Nothing sent: {0}'s last digest ended at {1}, less than {2} ago. \"Send anyway\" sends a digest of that time all the same."],
                leader,
                Local(last),
                T.Minutes((int)DigestService.MinimumPeriod.TotalMinutes));
            TooSoonLeader = leader;
            return RedirectToPage();
        }

        var record = await digests.RunAsync(options, now, HttpContext.RequestAborted);
        await AuditAsync("send_digest", leader, record is null ? "nothing new" : $"{record.IncidentIds.Count} incidents");
        Notice = record is null ? $"{leader}: —" : T["Saved."];
        return RedirectToPage();
    }
}
