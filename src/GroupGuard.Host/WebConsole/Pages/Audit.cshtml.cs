using GroupGuard.Core.Accounts;

namespace GroupGuard.Host.WebConsole.Pages;

public sealed class AuditModel(IAccountStore accounts) : ConsolePage
{
    public const int PageSize = 100;

    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];

    public async Task OnGetAsync(long? before) =>
        Entries = await accounts.ReadAuditAsync(before, PageSize, HttpContext.RequestAborted);
}
