using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace GroupGuard.Core;

/// <summary>
/// The configuration binder leaves out, without a word, an entry of a list or dictionary of
/// settings in which a value is of the wrong kind: <c>"DryRun": "yes"</c> drops a group's whole
/// override (its dry run and pack list with it), <c>"Action": "ban"</c> an escalation step,
/// <c>"CoalesceSeconds": "1m"</c> an alert rule. Binding each entry alone says what is wrong and
/// where; the start-up check reports those by key, as for any invalid setting, and
/// <see cref="SettingsEntriesValidator{TOptions}"/> makes them a failure of the settings they
/// belong to, so that a reload with such a mistake keeps the last good ones in force.
/// </summary>
public static class SettingsEntries
{
    /// <summary>Adds to <paramref name="failures"/> each entry under <paramref name="section"/> that does not bind as a <typeparamref name="T"/>.</summary>
    public static void Check<T>(IConfiguration configuration, string section, List<string> failures)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(failures);
        foreach (var entry in configuration.GetSection(section).GetChildren())
        {
            try
            {
                _ = entry.Get<T>();
            }
            catch (InvalidOperationException ex)
            {
                failures.Add(Describe(ex) + $" (left so, the whole of {entry.Path} would be ignored without a word)");
            }
        }
    }

    /// <summary>
    /// Adds to <paramref name="failures"/> each group override under <c>GroupGuard:Groups</c> that
    /// does not bind, and each step of a group's <c>Escalation</c> that does not (the binder drops
    /// those from the group's list even when the rest of the group binds).
    /// </summary>
    public static void CheckGroups(IConfiguration configuration, List<string> failures)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        Check<Moderation.GroupOverride>(configuration, GroupsSection, failures);
        foreach (var group in configuration.GetSection(GroupsSection).GetChildren())
        {
            Check<Moderation.EscalationStep>(configuration, group.Path + ":Escalation", failures);
        }
    }

    /// <summary>Adds to <paramref name="failures"/> each step of <c>GroupGuard:Moderation:Escalation</c> that does not bind.</summary>
    public static void CheckModeration(IConfiguration configuration, List<string> failures) =>
        Check<Moderation.EscalationStep>(configuration, Moderation.ModerationOptions.Section + ":Escalation", failures);

    /// <summary><c>GroupGuard:Groups</c>: the groups' overrides.</summary>
    public const string GroupsSection = "GroupGuard:Groups";

    /// <summary>The binder's words for a value it could not convert, with the choices when the setting takes one of some words.</summary>
    public static string Describe(InvalidOperationException ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        return ex.Message + (ex.InnerException is { } inner ? " " + inner.Message : "") + Choices(ex.Message);
    }

    /// <summary>" Use one of: …" when <paramref name="message"/> (the binder's) names an enum type of GroupGuard; else empty.</summary>
    public static string Choices(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        const string lead = " to type '";
        var start = message.IndexOf(lead, StringComparison.Ordinal);
        if (start < 0)
        {
            return "";
        }

        start += lead.Length;
        var end = message.IndexOf('\'', start);
        var name = end > start ? message[start..end] : "";
        var type = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => a.GetName().Name?.StartsWith("GroupGuard", StringComparison.Ordinal) == true)
            .Select(a => a.GetType(name))
            .FirstOrDefault(t => t is not null);
        return type is { IsEnum: true }
            ? " Use one of: " + string.Join(", ", Enum.GetNames(type).Select(n => n.ToLowerInvariant())) + "."
            : "";
    }
}

/// <summary>
/// Fails <typeparamref name="TOptions"/> when <c>check</c> finds an entry of its lists or
/// dictionaries that the binder would drop (<see cref="SettingsEntries"/>). At start that stops the
/// service naming the key; on a reload the options factory then keeps the last good settings of the
/// kind in force (a dry-run group whose entry gained a typo stays in dry run), instead of running
/// without the entry.
/// </summary>
public sealed class SettingsEntriesValidator<TOptions>(IConfiguration configuration, Action<IConfiguration, List<string>> check) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var failures = new List<string>();
        check(configuration, failures);
        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
