using Microsoft.Extensions.Configuration;

namespace GroupGuard.Core;

/// <summary>
/// The configuration binder leaves out, without a word, an entry of a list or dictionary of
/// settings in which a value is of the wrong kind: <c>"DryRun": "yes"</c> drops a group's whole
/// override (its dry run and pack list with it), <c>"Action": "ban"</c> an escalation step,
/// <c>"CoalesceSeconds": "1m"</c> an alert rule. Binding each entry alone says what is wrong and
/// where; the start-up check reports those by key, as for any invalid setting.
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
