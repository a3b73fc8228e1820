using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace GroupGuard.Core.Accounts;

/// <summary>What a console account may do.</summary>
public enum AccountRole
{
    /// <summary>Sees every group and may act: review incidents, lift mutes, switch dry run, send digests.</summary>
    [JsonStringEnumMemberName("admin")]
    Admin,

    /// <summary>Sees only the groups listed on the account, and only reads.</summary>
    [JsonStringEnumMemberName("leader")]
    Leader,
}

/// <summary>One person who may sign in to the console.</summary>
/// <param name="Name">The sign-in name (see <see cref="IsValidName"/>).</param>
/// <param name="GroupIds">The groups a leader sees; empty for an admin.</param>
/// <param name="PasswordHash">See <see cref="PasswordHasher"/>; never the password.</param>
/// <param name="LockedUntil">Set after too many failed sign-ins; sign-in is refused until then.</param>
public sealed partial record ConsoleAccount(
    string Name,
    AccountRole Role,
    IReadOnlyList<string> GroupIds,
    string PasswordHash,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LockedUntil = null)
{
    public const int MaxNameLength = 64;

    /// <summary>
    /// A random value that every console session of the account carries: the store gives the
    /// account a new one when it is added (so a removed and re-added account's old sessions end)
    /// and when <see cref="IAccountStore.RenewSessionStampAsync"/> is called (at sign-out), and a
    /// session whose stamp is not the account's current one is refused. Whatever the record holds
    /// when it is added is ignored.
    /// </summary>
    public string SessionStamp { get; init; } = "";

    /// <summary>Whether the account sees <paramref name="groupId"/>: an admin sees every group.</summary>
    public bool Sees(string groupId) => Role == AccountRole.Admin || GroupIds.Contains(groupId, StringComparer.Ordinal);

    /// <summary>The groups the account is limited to, or null for all (an admin).</summary>
    public IReadOnlyCollection<string>? GroupScope => Role == AccountRole.Admin ? null : GroupIds;

    /// <summary>Letters, digits, hanzi and <c>. _ - @</c>, 1 to 64 characters.</summary>
    public static bool IsValidName(string? name) => name is { Length: > 0 and <= MaxNameLength } && NamePattern().IsMatch(name);

    /// <summary>A group id as the platforms write them: letters, digits, <c>_ - . : @</c>, at most 64.</summary>
    public static bool IsValidGroupId(string? id) => id is { Length: > 0 and <= 64 } && GroupIdPattern().IsMatch(id);

    /// <summary>What a settings check says a group id is, when one is not.</summary>
    public const string GroupIdShape = "letters, digits, _ - . : @, no spaces";

    /// <summary>The first entry of a settings list of groups that is neither <c>*</c> (every group) nor a group id, or null.</summary>
    public static string? FirstNotGroupId(IEnumerable<string> groups) => groups.FirstOrDefault(g => g != "*" && !IsValidGroupId(g));

    [GeneratedRegex(@"^[\p{L}\p{Nd}._@-]+$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_.:@-]+$")]
    private static partial Regex GroupIdPattern();
}

/// <summary>One line of the console's audit log: a sign-in, a failed one, or an action.</summary>
/// <param name="Actor">The account name (or the name typed, for a failed sign-in; <c>cli</c> or a group member for other routes).</param>
/// <param name="Action">What was done: <c>login</c>, <c>login_failed</c>, <c>mark_false_positive</c> …</param>
/// <param name="Target">What it was done to: an incident id, a group, an account.</param>
/// <param name="Remote">The client address, where there is one.</param>
public sealed record AuditEntry(
    long Id,
    DateTimeOffset At,
    string Actor,
    string Action,
    string? Target = null,
    string? Detail = null,
    string? Remote = null);
