using GroupGuard.Core;
using GroupGuard.Core.Digests.Charts;
using Microsoft.AspNetCore.Mvc;

namespace GroupGuard.Host.WebConsole.Pages;

/// <summary>
/// <c>GET /console/chart.png</c>: the overview's 30 days as the PNG leaders get in their email
/// digest, for a browser without scripts (the overview shows it in its <c>noscript</c>). The
/// same counts as the overview's Chart.js chart, of the signed-in account's groups.
/// </summary>
public sealed class ChartModel(IIncidentBrowser incidents, TimeProvider time) : ConsolePage
{
    public async Task<IActionResult> OnGetAsync()
    {
        var (from, to, offset) = IndexModel.Period(time, Zone);
        var overview = await incidents.OverviewAsync(from, to, offset, Me.GroupScope, 1, HttpContext.RequestAborted);
        return File(IncidentChart.Render(overview.PerDay, IndexModel.FirstDay(from, offset)), IncidentChart.ContentType);
    }
}
