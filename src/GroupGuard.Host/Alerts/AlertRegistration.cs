using GroupGuard.Core;
using GroupGuard.Core.Digests;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host.Alerts;

internal static class AlertRegistration
{
    /// <summary>Rules one service takes at most.</summary>
    internal const int MaxRules = 100;

    /// <summary>Groups one rule lists at most (each is a parameter of the rule's query).</summary>
    internal const int MaxGroups = 10_000;

    /// <summary>Channels one rule sends on at most.</summary>
    internal const int MaxChannels = 32;

    internal const int MaxCoalesceSeconds = 3600;

    /// <summary>
    /// <c>GroupGuard:Alerts</c>, validated at start (every mistake naming its key), as the service
    /// and the <c>digest</c> verbs both read it. A rule without a name is named after what it takes.
    /// </summary>
    public static IServiceCollection AddGroupGuardAlerts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<List<AlertRuleOptions>>()
            .BindChecked(configuration.GetSection(AlertRuleOptions.Section))
            .PostConfigure(rules =>
            {
                for (var i = 0; i < rules.Count; i++)
                {
                    if (string.IsNullOrWhiteSpace(rules[i].Name))
                    {
                        rules[i].NameByContent(i);
                    }
                    else
                    {
                        rules[i].Name = rules[i].Name.Trim();
                    }
                }
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<List<AlertRuleOptions>>>(new AlertRulesValidator(configuration));
        return services;
    }

    /// <summary>The running service's alerts: the background service that looks every two seconds and sends.</summary>
    public static IServiceCollection AddGroupGuardAlertService(this IServiceCollection services)
    {
        services.AddSingleton<AlertService>();
        services.AddHostedService(sp => sp.GetRequiredService<AlertService>());
        return services;
    }
}

/// <summary>Every mistake in <c>GroupGuard:Alerts</c> at once, each naming its key.</summary>
internal sealed class AlertRulesValidator(IConfiguration configuration) : IValidateOptions<List<AlertRuleOptions>>
{
    /// <summary>Adds to <paramref name="failures"/> each rule the binder would drop for a value of the wrong kind (<see cref="SettingsEntries"/>).</summary>
    public static void CheckEntries(IConfiguration configuration, List<string> failures) =>
        SettingsEntries.Check<AlertRuleOptions>(configuration, AlertRuleOptions.Section, failures);

    public ValidateOptionsResult Validate(string? name, List<AlertRuleOptions> rules)
    {
        // A rule the binder dropped: the list is not the one configured (and the keys below would
        // name the rules after it by the wrong place), so a reload keeps the last good rules.
        var failures = new List<string>();
        CheckEntries(configuration, failures);
        if (failures.Count > 0)
        {
            return ValidateOptionsResult.Fail(failures);
        }

        if (rules.Count > AlertRegistration.MaxRules)
        {
            failures.Add($"{AlertRuleOptions.Section} has {rules.Count} rules; at most {AlertRegistration.MaxRules}");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            var key = $"{AlertRuleOptions.Section}:{i}";
            if (rule.Name.Length > 100 || rule.Name.Any(char.IsControl))
            {
                failures.Add($"{key}:Name must be at most 100 characters, without control characters");
            }
            else if (!names.Add(rule.Name))
            {
                failures.Add(rule.LegacyName is null
                    ? $"{key}:Name '{rule.Name}' is used by another alert rule"
                    : $"{key} takes what another rule without a name takes (the same MinSeverity, Groups and Channels): remove one, or name them");
            }

            if (!AlertRuleOptions.TryParseSeverity(rule.MinSeverity, out _))
            {
                failures.Add($"{key}:MinSeverity '{rule.MinSeverity}' is not a severity: one of {string.Join(", ", WireNames<Severity>.All)}");
            }

            if (rule.Groups.Count == 0)
            {
                failures.Add($"{key}:Groups must list group ids, or \"*\" for every group");
            }
            else if (rule.Groups.Count > AlertRegistration.MaxGroups)
            {
                failures.Add($"{key}:Groups lists {rule.Groups.Count} groups; at most {AlertRegistration.MaxGroups} (or \"*\" for every group)");
            }
            else if (rule.Groups.Any(string.IsNullOrWhiteSpace))
            {
                failures.Add($"{key}:Groups has an empty group id");
            }
            else if (Core.Accounts.ConsoleAccount.FirstNotGroupId(rule.Groups) is { } bad)
            {
                // "123456 " would match no message, and the rule would never alert.
                failures.Add($"{key}:Groups has '{bad}', which is no group id ({Core.Accounts.ConsoleAccount.GroupIdShape}): it would match no message");
            }

            if (rule.Channels.Count == 0)
            {
                failures.Add($"{key}:Channels must name at least one channel of GroupGuard:Channels");
            }
            else if (rule.Channels.Count > AlertRegistration.MaxChannels)
            {
                failures.Add($"{key}:Channels names {rule.Channels.Count} channels; at most {AlertRegistration.MaxChannels}");
            }

            foreach (var channel in rule.Channels.Where(c => string.IsNullOrWhiteSpace(c) || !configuration.GetSection($"GroupGuard:Channels:{c}").Exists()))
            {
                failures.Add($"{key}:Channels names '{channel}', which is not under GroupGuard:Channels");
            }

            if (rule.CoalesceSeconds is < 0 or > AlertRegistration.MaxCoalesceSeconds)
            {
                failures.Add($"{key}:CoalesceSeconds must be between 0 and {AlertRegistration.MaxCoalesceSeconds}, got {rule.CoalesceSeconds}");
            }

            if (rule.QuietSeconds is < 0 or > AlertRegistration.MaxCoalesceSeconds)
            {
                failures.Add($"{key}:QuietSeconds must be between 0 and {AlertRegistration.MaxCoalesceSeconds}, got {rule.QuietSeconds}");
            }

            if (!TimeZoneInfo.TryFindSystemTimeZoneById(rule.TimeZone, out _))
            {
                failures.Add($"{key}:TimeZone '{rule.TimeZone}' is not a known time zone (e.g. Asia/Shanghai)");
            }
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
