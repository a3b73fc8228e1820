using GroupGuard.Core.Accounts;
using Microsoft.AspNetCore.Mvc;

namespace GroupGuard.Host.WebConsole.Pages;

public sealed class AuditModel(IAccountStore accounts) : ConsolePage
{
    public const int PageSize = 100;

    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string? before)
    {
        if (!TryBefore(before, out var beforeId))
        {
            return BadRequest(BeforeProblem);
        }

        Entries = await accounts.ReadAuditAsync(beforeId, PageSize, HttpContext.RequestAborted);
        return Page();
    }
}
