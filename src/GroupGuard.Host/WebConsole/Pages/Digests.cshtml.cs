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
                return NotFound();
            }

            var end = digests.Now;
            var start = await digests.Outbox.LastPeriodEndAsync(leader.Name, HttpContext.RequestAborted) ?? end.AddHours(-24);
            PreviewLeader = leader.Name;
            Preview = start < end ? (await digests.BuildAsync(leader, start, end, HttpContext.RequestAborted)).Markdown : "";
        }

        return Page();
    }

    public async Task<IActionResult> OnPostSendAsync(string? leader)
    {
        var digests = Digests;
        if (leader is null || digests.Leader(leader) is not { } options)
        {
            return NotFound();
        }

        var record = await digests.RunAsync(options, digests.Now, HttpContext.RequestAborted);
        await AuditAsync("send_digest", leader, record is null ? "nothing new" : $"{record.IncidentIds.Count} incidents");
        Notice = record is null ? $"{leader}: —" : T["Saved."];
        return RedirectToPage();
    }
}
