using GroupGuard.Core;
using GroupGuard.Core.Digests;
using GroupGuard.Host.Jobs;
using GroupGuard.Host.Pipeline;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Quartz;

namespace GroupGuard.Host.Digests;

internal static class DigestRegistration
{
    public const string LeadersSection = "GroupGuard:Leaders";

    /// <summary>The longest leader name, as an alert rule's: it heads each digest and names its file and mail.</summary>
    public const int MaxLeaderName = 100;
    public const string DefaultChannel = "default-file";
    public const string DefaultAlertChannel = "default-alert-file";

    /// <summary>
    /// With no leader configured, a default one for every group writes a Markdown file each morning
    /// (data/digests), and, with no alert configured either, a default alert writes one within
    /// seconds of a high or critical incident (data/alerts), so a fresh install shows what a digest
    /// and an alert look like. Each stands only while no other source names a leader (for the alert,
    /// a leader or an alert), looked at whenever the configuration is read: a leader or alert added
    /// later (appsettings.json reloaded) replaces it entirely, none of its keys merged into theirs.
    /// </summary>
    public static void AddDefaults(IConfigurationManager configuration)
    {
        configuration.Add(new DefaultSettingsSource(
            new Dictionary<string, string?>
            {
                [$"{LeadersSection}:0:Name"] = "default",
                [$"{LeadersSection}:0:Groups:0"] = "*",
                [$"{LeadersSection}:0:Schedule"] = "0 0 8 * * ?",
                [$"{LeadersSection}:0:TimeZone"] = "Asia/Shanghai",
                [$"{LeadersSection}:0:Channels:0"] = DefaultChannel,
                [$"GroupGuard:Channels:{DefaultChannel}:Type"] = "file",
                [$"GroupGuard:Channels:{DefaultChannel}:Path"] = "data/digests",
            },
            [LeadersSection]));
        configuration.Add(new DefaultSettingsSource(
            new Dictionary<string, string?>
            {
                [$"{AlertRuleOptions.Section}:0:Name"] = "default",
                [$"{AlertRuleOptions.Section}:0:MinSeverity"] = "high",
                [$"{AlertRuleOptions.Section}:0:Groups:0"] = "*",
                [$"{AlertRuleOptions.Section}:0:Channels:0"] = DefaultAlertChannel,
                [$"GroupGuard:Channels:{DefaultAlertChannel}:Type"] = "file",
                [$"GroupGuard:Channels:{DefaultAlertChannel}:Path"] = "data/alerts",
            },
            [LeadersSection, AlertRuleOptions.Section]));
    }

    public static List<LeaderOptions> ReadLeaders(IConfiguration configuration) =>
        configuration.GetSection(LeadersSection).Get<List<LeaderOptions>>() ?? [];

    /// <summary>
    /// The digest service and the leaders it serves, as the service and the <c>digest</c> verbs
    /// both use them. Its health report says "unknown" until <see cref="AddGroupGuardDigestSchedule"/>
    /// gives it the running service's.
    /// </summary>
    public static IServiceCollection AddGroupGuardDigests(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<List<LeaderOptions>>().BindChecked(configuration.GetSection(LeadersSection)).ValidateOnStart();
        WebConsole.ConsoleRegistration.AddConsoleSettings(services, configuration); // the links to incidents (GroupGuard:Console:PublicUrl)
        services.AddSingleton<IValidateOptions<List<LeaderOptions>>>(sp => new LeadersValidator(configuration, sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.TryAddSingleton<IncidentsInFlight>();
        services.TryAddSingleton<IDigestHealthSource, OfflineDigestHealth>();
        services.AddSingleton<DigestService>();
        return services;
    }

    /// <summary>
    /// The running service's digests: one Quartz job per leader on its schedule, the retry job,
    /// the catch-up at start, the bot's health in each digest, and the groups heard that no leader lists.
    /// </summary>
    public static IServiceCollection AddGroupGuardDigestSchedule(this IServiceCollection services, IConfiguration configuration)
    {
        services.Replace(ServiceDescriptor.Singleton<IDigestHealthSource, LiveDigestHealth>());
        services.AddSingleton<LeaderCoverage>();
        services.AddHostedService<DigestCatchUp>();
        services.AddSingleton<DigestScheduleSync>();
        services.AddHostedService(sp => sp.GetRequiredService<DigestScheduleSync>());
        services.AddQuartz(quartz =>
        {
            foreach (var leader in ReadLeaders(configuration).Where(l => Quartz.CronExpression.TryParse(l.Schedule, out _)))
            {
                var key = new JobKey("digest:" + leader.Name, "groupguard");
                quartz.AddJob<DigestJob>(job => job.WithIdentity(key).UsingJobData(DigestJob.LeaderKey, leader.Name));
                quartz.AddTrigger(trigger => trigger
                    .ForJob(key)
                    .WithIdentity("digest-trigger:" + leader.Name, "groupguard")
                    .WithCronSchedule(leader.Schedule, cron => cron.InTimeZone(DigestService.Zone(leader))));
            }

            quartz.AddJob<DigestRetryJob>(job => job.WithIdentity(DigestRetryJob.Key));
            quartz.AddTrigger(trigger => trigger.ForJob(DigestRetryJob.Key).WithIdentity("digest-retry", "groupguard")
                .StartNow().WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(60)).RepeatForever()));
        });
        return services;
    }

    /// <summary>Every mistake in the leaders at once, each naming its key.</summary>
    internal sealed class LeadersValidator(IConfiguration configuration, TimeProvider time) : IValidateOptions<List<LeaderOptions>>
    {
        /// <summary>Adds to <paramref name="failures"/> each leader the binder would drop for a value of the wrong kind (<see cref="Core.SettingsEntries"/>).</summary>
        public static void CheckEntries(IConfiguration configuration, List<string> failures) =>
            Core.SettingsEntries.Check<LeaderOptions>(configuration, LeadersSection, failures);

        public ValidateOptionsResult Validate(string? name, List<LeaderOptions> leaders)
        {
            // A leader the binder dropped: the list is not the one configured (and the keys below
            // would name the leaders after it by the wrong place), so a reload keeps the last good
            // leaders, and their schedules stay as they were.
            var failures = new List<string>();
            CheckEntries(configuration, failures);
            if (failures.Count > 0)
            {
                return ValidateOptionsResult.Fail(failures);
            }

            var names = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < leaders.Count; i++)
            {
                var leader = leaders[i];
                var key = $"{LeadersSection}:{i}";
                if (string.IsNullOrWhiteSpace(leader.Name))
                {
                    failures.Add($"{key}:Name is required");
                }
                else if (leader.Name.Length > MaxLeaderName || leader.Name.Any(char.IsControl))
                {
                    // The name heads every digest, its file's name and its mail's subject.
                    failures.Add($"{key}:Name must be at most {MaxLeaderName} characters, without control characters");
                }
                else if (AlertRuleOptions.IsAlertKey(leader.Name))
                {
                    var prefix = leader.Name.StartsWith(AlertRuleOptions.OutboxPrefix, StringComparison.Ordinal) ? AlertRuleOptions.OutboxPrefix : AlertRuleOptions.FollowUpPrefix;
                    failures.Add($"{key}:Name '{leader.Name}' starts with '{prefix}', which the outbox keeps for GroupGuard:Alerts");
                }
                else if (!names.Add(leader.Name))
                {
                    failures.Add($"{key}:Name '{leader.Name}' is used by another leader");
                }

                if (leader.Groups.Count == 0)
                {
                    failures.Add($"{key}:Groups must list group ids, or \"*\" for every group");
                }
                else if (Core.Accounts.ConsoleAccount.FirstNotGroupId(leader.Groups) is { } bad)
                {
                    // "123456 " would match no incident: every digest would say the group was quiet.
                    failures.Add($"{key}:Groups has '{bad}', which is no group id ({Core.Accounts.ConsoleAccount.GroupIdShape}): it would match no incident");
                }

                if (!Quartz.CronExpression.TryParse(leader.Schedule, out _))
                {
                    failures.Add($"{key}:Schedule '{leader.Schedule}' is not a Quartz cron expression (seconds first, e.g. \"0 0 8 * * ?\")");
                }
                else if (new Quartz.CronExpression(leader.Schedule).GetNextValidTimeAfter(time.GetUtcNow()) is null)
                {
                    // Quartz refuses to schedule such a trigger, which would stop the service at start.
                    failures.Add($"{key}:Schedule '{leader.Schedule}' never fires from now on (a date that does not exist, or a year past), so no digest would ever be sent; e.g. \"0 0 8 * * ?\"");
                }

                if (!TimeZoneInfo.TryFindSystemTimeZoneById(leader.TimeZone, out _))
                {
                    failures.Add($"{key}:TimeZone '{leader.TimeZone}' is not a known time zone (e.g. Asia/Shanghai)");
                }

                if (leader.Channels.Count == 0)
                {
                    failures.Add($"{key}:Channels must name at least one channel of GroupGuard:Channels");
                }

                foreach (var channel in leader.Channels.Where(c => !configuration.GetSection($"GroupGuard:Channels:{c}").Exists()))
                {
                    failures.Add($"{key}:Channels names '{channel}', which is not under GroupGuard:Channels");
                }
            }

            return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
        }
    }
}
