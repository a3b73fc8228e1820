using GroupGuard.Core.Accounts;
using Microsoft.AspNetCore.Mvc;

namespace GroupGuard.Host.WebConsole.Pages;

public sealed class AuditModel(IAccountStore accounts) : ConsolePage
{
    public const int PageSize = 100;

    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];

    /// <summary>The id the earlier page starts below, when there is one.</summary>
    public long? EarlierBefore { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? before)
    {
        if (!TryBefore(before, out var beforeId))
        {
            return Refuse("before", before, BeforeWords, "/console/audit", T["The latest entries"]);
        }

        // One more than a page tells whether an earlier page exists: a page of exactly 100 with
        // nothing before it linked to an empty one.
        var rows = await accounts.ReadAuditAsync(beforeId, PageSize + 1, HttpContext.RequestAborted);
        Entries = rows.Count > PageSize ? [.. rows.Take(PageSize)] : rows;
        EarlierBefore = rows.Count > PageSize ? Entries[^1].Id : null;
        return Page();
    }
}
