using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host.WebConsole.Pages;

/// <summary>
/// One group's effective settings; platform <c>*</c> for a group only configured, not yet heard
/// from. <see cref="Packs"/>: the running packs that apply in it (its settings' <c>Packs</c> and each
/// pack's <c>groups:</c>), or null when every one does. <see cref="Trusted"/>: the members its
/// admins trust (<c>/gg 信任</c>, this page); <see cref="TrustedBySettings"/>: those its settings do.
/// </summary>
public sealed record GroupRow(string Platform, string GroupId, long Messages, IReadOnlyList<Core.Rules.RulePack>? Packs, bool DryRun, bool? Switch, IReadOnlyList<EscalationStep> Escalation)
{
    public IReadOnlyList<TrustedMember> Trusted { get; init; } = [];

    public IReadOnlyList<string> TrustedBySettings { get; init; } = [];
}

public sealed class GroupsModel(
    IIncidentStore store,
    IGroupSwitches switches,
    ITrustedMembers trusted,
    IOptionsMonitor<ModerationOptions> moderation,
    IOptionsMonitor<Dictionary<string, GroupOverride>> overrides,
    Core.Rules.IRuleSetProvider rules,
    TimeProvider time) : ConsolePage
{
    /// <summary>
    /// The platforms GroupGuard's readers name messages with: <c>qq</c> (OneBot v11, Milky),
    /// <c>qq-official</c> (the QQ bot platform), <c>wecom</c> (WeCom's archive), <c>wechat</c>
    /// (ComWeChat over OneBot v12). A v12 bridge names its own; those are taken once heard.
    /// </summary>
    public static readonly IReadOnlySet<string> ReadPlatforms = new HashSet<string>(StringComparer.Ordinal) { "qq", "qq-official", "wecom", "wechat" };

    public IReadOnlyList<GroupRow> Rows { get; private set; } = [];

    /// <summary>The members spared in every group (<c>GroupGuard:Moderation:ExemptUsers</c>), an operator's setting the page shows only.</summary>
    public IReadOnlyList<string> ExemptEverywhere { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var (from, to, _) = IndexModel.Period(time, Zone);
        // Summed by the database, one row a group, and looked up by key as the switches are: the
        // month's hourly rows read and each rescanned per group took 49 s for a thousand groups.
        var messages = (await store.GetMessageTotalsAsync(from, to, Me.GroupScope, HttpContext.RequestAborted))
            .ToDictionary(t => (t.Platform, t.GroupId), t => t.Count);
        var set = (await switches.ListAsync(HttpContext.RequestAborted)).Where(s => Me.Sees(s.GroupId))
            .DistinctBy(s => (s.Platform, s.GroupId))
            .ToDictionary(s => (s.Platform, s.GroupId), s => s.DryRun);
        var trust = (await trusted.ListAllAsync(HttpContext.RequestAborted)).Where(t => Me.Sees(t.GroupId))
            .ToLookup(t => (t.Platform, t.GroupId));
        var configured = overrides.CurrentValue;
        var heard = messages.Keys.Union(set.Keys).Union(trust.Select(t => t.Key)).ToList();
        var heardGroups = heard.Select(h => h.GroupId).ToHashSet(StringComparer.Ordinal);
        var onlyConfigured = configured.Keys.Concat(Me.GroupIds)
            .Where(id => !heardGroups.Contains(id))
            .Distinct(StringComparer.Ordinal)
            .Select(id => (Platform: "*", GroupId: id));

        var options = moderation.CurrentValue;
        ExemptEverywhere = [.. options.ExemptUsers.Distinct(StringComparer.Ordinal)];
        var packs = rules.Current.Packs;
        Rows = [.. heard.Concat(onlyConfigured)
            .Where(k => Me.Sees(k.GroupId))
            .OrderBy(k => k.GroupId, StringComparer.Ordinal).ThenBy(k => k.Platform, StringComparer.Ordinal)
            .Select(k =>
            {
                var own = configured.GetValueOrDefault(k.GroupId);
                var steps = own?.Escalation ?? options.Steps.ToList();
                bool? runtime = set.TryGetValue(k, out var dryRun) ? dryRun : null;
                return new GroupRow(
                    k.Platform,
                    k.GroupId,
                    messages.GetValueOrDefault(k),
                    Applying(packs, k.GroupId, own),
                    ModerationPolicy.DryRun(runtime, own, options),
                    runtime,
                    steps)
                {
                    Trusted = [.. trust[k]],
                    TrustedBySettings = own?.ExemptUsers?.Distinct(StringComparer.Ordinal).ToList() ?? [],
                };
            })];
    }

    /// <summary>
    /// The packs that apply in <paramref name="groupId"/>, as the moderator keeps to them: those its
    /// settings name (all when they name none) whose <c>groups:</c> covers it; null when that is every pack.
    /// </summary>
    internal static IReadOnlyList<Core.Rules.RulePack>? Applying(IReadOnlyList<Core.Rules.RulePack> packs, string groupId, GroupOverride? own)
    {
        var applying = packs.Where(p => (own?.Packs is not { } named || named.Contains(p.Id, StringComparer.Ordinal)) && p.Groups.Covers(groupId)).ToList();
        return applying.Count == packs.Count ? null : applying;
    }

    /// <summary>Dry run on, off, or back to the configuration for one group, as the group command does.</summary>
    public async Task<IActionResult> OnPostDryRunAsync(string? platform, string? group, string? value)
    {
        if (!IsAdmin)
        {
            return Forbid();
        }

        if (string.IsNullOrEmpty(platform) || !Core.Accounts.ConsoleAccount.IsValidGroupId(group))
        {
            return Refused(T["The switch is sent with its group's platform and group id, as each row's form has them: set it from the row of the group."]);
        }

        if (FieldWords("Platform", platform, Core.MessageLimits.MaxPlatformLength) is { } platformWords)
        {
            return Refused(platformWords);
        }

        if (value is not (null or "" or "on" or "off"))
        {
            return Refused(Format(T["{0} is on, off, or empty for as configured."], T["Dry run"]));
        }

        if (await UnknownPlatformAsync(platform) is { } unknown)
        {
            return unknown;
        }

        bool? dryRun = value switch { "on" => true, "off" => false, _ => null };
        await switches.SetDryRunAsync(platform, group!, dryRun, time.GetUtcNow(), Me.Name, HttpContext.RequestAborted);
        await AuditAsync("dry_run", $"{platform}:{group}", dryRun switch { true => "on", false => "off", null => "as configured" });
        Notice = T["Saved."];
        return RedirectToPage();
    }

    /// <summary>
    /// Trusts a member in one group, as <c>/gg 信任</c> does: their messages are recorded, never acted
    /// on there. The id is the platform's (a QQ number on <c>qq</c>); at most
    /// <see cref="GroupOverride.MaxTrusted"/> a group.
    /// </summary>
    public async Task<IActionResult> OnPostTrustAsync(string? platform, string? group, string? user)
    {
        if (!IsAdmin)
        {
            return Forbid();
        }

        user = user?.Trim();
        if (await MemberProblemAsync(platform, group, user) is { } problem)
        {
            return problem;
        }

        var added = await trusted.TrustAsync(platform!, group!, [user!], GroupOverride.MaxTrusted, time.GetUtcNow(), Me.Name, HttpContext.RequestAborted);
        if (added.Full)
        {
            return Refused(Format(T["Group {0} trusts {1} members already, the most a group may: untrust one first."], group!, GroupOverride.MaxTrusted));
        }

        await AuditAsync("trust", $"{platform}:{group}", added.Added.Count > 0 ? user : $"{user} (trusted before)");
        Notice = added.Added.Count > 0 ? T["Saved."] : Format(T["{0} was trusted in this group already."], user!);
        return RedirectToPage();
    }

    /// <summary>Stops trusting a member in one group, as <c>/gg 取消信任</c> does: their messages are acted on again.</summary>
    public async Task<IActionResult> OnPostUntrustAsync(string? platform, string? group, string? user)
    {
        if (!IsAdmin)
        {
            return Forbid();
        }

        user = user?.Trim();
        if (await MemberProblemAsync(platform, group, user) is { } problem)
        {
            return problem;
        }

        var removed = await trusted.UntrustAsync(platform!, group!, [user!], HttpContext.RequestAborted);
        await AuditAsync("untrust", $"{platform}:{group}", removed.Count > 0 ? user : $"{user} (not trusted)");
        Notice = removed.Count > 0 ? T["Saved."] : Format(T["{0} was not trusted in this group."], user!);
        return RedirectToPage();
    }

    /// <summary>
    /// Why a trust or untrust cannot be done as sent: the group's platform and id as each row's form
    /// has them, a platform GroupGuard reads or this page lists, and a member id of the platform's
    /// shape (a QQ number, 5 to 20 digits, on <c>qq</c>); null when it can.
    /// </summary>
    private async Task<IActionResult?> MemberProblemAsync(string? platform, string? group, string? user)
    {
        if (string.IsNullOrEmpty(platform) || !Core.Accounts.ConsoleAccount.IsValidGroupId(group))
        {
            return Refused(T["A member is trusted with their group's platform and group id, as each row's form has them: trust them from the row of the group."]);
        }

        if (FieldWords("Platform", platform, Core.MessageLimits.MaxPlatformLength) is { } platformWords)
        {
            return Refused(platformWords);
        }

        if (string.IsNullOrEmpty(user))
        {
            return Refused(Format(T["Write the {0}'s id: a QQ number on qq, else the platform's id."], T["Member"]));
        }

        if (FieldWords("Member", user, Core.MessageLimits.MaxIdLength) is { } userWords)
        {
            return Refused(userWords);
        }

        if (!Core.Accounts.ConsoleAccount.IsValidGroupId(user) || (platform == "qq" && !Core.Commands.GroupCommandParser.IsQQNumber(user)))
        {
            return Refused(platform == "qq"
                ? Format(T["{0} is a QQ number, 5 to 20 digits; {1} is not."], T["Member"], user)
                : Format(T["{0} is the member's id on the platform (letters, digits, _ - . : @, at most 64); {1} is not."], T["Member"], user));
        }

        return await UnknownPlatformAsync(platform);
    }

    /// <summary>
    /// A refusal of <paramref name="platform"/> when it is neither one GroupGuard reads nor one this
    /// page lists: any name written would leave a row of its own on this page.
    /// </summary>
    private async Task<IActionResult?> UnknownPlatformAsync(string platform) =>
        ReadPlatforms.Contains(platform) || await HeardAsync(platform)
            ? null
            : Refused(Format(T["{0} is one GroupGuard reads ({1}) or one this page lists; {2} is neither."], T["Platform"], string.Join(T[", "], ReadPlatforms), platform));

    /// <summary>A switch the page cannot set, answered on the console's page with a link back to the groups (<see cref="ConsolePage.RefuseForm"/>).</summary>
    private IActionResult Refused(string message) => RefuseForm(message, "/console/groups", T["Back to the groups"]);

    /// <summary>Whether this page lists a group on <paramref name="platform"/>: messages from it in the period shown, a switch set, or a member trusted.</summary>
    private async Task<bool> HeardAsync(string platform)
    {
        var (from, to, _) = IndexModel.Period(time, Zone);
        return (await store.GetMessageTotalsAsync(from, to, Me.GroupScope, HttpContext.RequestAborted)).Any(c => c.Platform == platform)
            || (await switches.ListAsync(HttpContext.RequestAborted)).Any(s => s.Platform == platform)
            || (await trusted.ListAllAsync(HttpContext.RequestAborted)).Any(t => t.Platform == platform);
    }
}
