using System.Globalization;
using GroupGuard.Core;
using GroupGuard.Core.Digests;
using GroupGuard.Core.Moderation;

namespace GroupGuard.Host.Cli;

/// <summary>
/// <c>incidents list</c> and <c>incidents show</c>: incidents read from a shell, as the console's
/// incident list and incident page show them (export writes them all, for programs).
/// </summary>
internal static class IncidentsReadCommand
{
    /// <summary>The most incidents one <c>incidents list</c> prints.</summary>
    public const int MaxLimit = 1000;

    /// <summary>The characters of a message a line of <c>incidents list</c> shows before its ellipsis; <c>incidents show</c> shows it whole. Line breaks are spaces in both, so no message can forge a line of its own.</summary>
    public const int TextShown = 40;

    /// <summary>
    /// The newest incidents that <paramref name="filter"/> lets through, at most <paramref name="limit"/>,
    /// one line each: id, message time (UTC), platform and group, user, rule, decided action (with a
    /// mute's length) and status, a false-positive mark, and the start of the message on one line.
    /// </summary>
    public static async Task<int> ListAsync(IncidentFilter filter, int limit, IIncidentStore store, IIncidentBrowser browser, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken);
        // One more than shown tells whether there are more.
        var incidents = await browser.BrowseAsync(filter, beforeId: null, limit + 1, cancellationToken);
        foreach (var incident in incidents.Take(limit))
        {
            await output.WriteLineAsync(Line(incident));
        }

        await error.WriteLineAsync(incidents.Count switch
        {
            0 => "no incident matches",
            var n when n > limit => $"the newest {limit} of more incidents (--limit shows more)",
            1 => "1 incident",
            var n => $"{n} incidents, newest first",
        });
        return 0;
    }

    /// <summary>Every field of incident <paramref name="id"/>, one <c>name: value</c> a line, as export names them; exit 1 when there is none.</summary>
    public static async Task<int> ShowAsync(long id, IIncidentStore store, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken);
        if (await store.GetAsync(id, cancellationToken) is not { } incident)
        {
            await error.WriteLineAsync($"groupguard incidents show: there is no incident {id} (incidents list shows the newest)");
            return 1;
        }

        foreach (var (name, value) in IncidentExport.Describe(incident))
        {
            await output.WriteLineAsync($"{name}: {DigestMarkup.OneLine(value)}");
        }

        return 0;
    }

    /// <summary>One incident on one line (<see cref="ListAsync"/>).</summary>
    internal static string Line(Incident incident)
    {
        var action = WireNames<ModerationAction>.ToText(incident.DecidedAction);
        if (incident.MuteSeconds > 0)
        {
            action += string.Create(CultureInfo.InvariantCulture, $"+mute {incident.MuteSeconds}s");
        }

        var marked = incident.FalsePositive ? "  false-positive" : "";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"#{incident.Id}  {incident.Time.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z  {incident.Platform}:{incident.GroupId}  user {incident.UserId}  {incident.Rule}  {action} {WireNames<ActionStatus>.ToText(incident.ActionStatus)}{marked}  {DigestMarkup.OneLine(StoredText.Cut(incident.MessageText, TextShown + 1))}");
    }
}
