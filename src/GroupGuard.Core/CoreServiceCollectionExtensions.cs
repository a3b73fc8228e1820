using GroupGuard.Core.Detection;
using GroupGuard.Core.Moderation;
using GroupGuard.Core.Rules;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace GroupGuard.Core;

public static class CoreServiceCollectionExtensions
{
    /// <summary>The domain's options (rules, moderation, privacy, groups), validated at start, and the rule-set provider.</summary>
    public static IServiceCollection AddGroupGuardCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<RulesOptions>().BindChecked(configuration.GetSection(RulesOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RulesOptions>, RulesOptionsValidator>();
        services.AddSingleton<RuleSetProvider>();
        services.AddSingleton<IRuleSetProvider>(sp => sp.GetRequiredService<RuleSetProvider>());
        services.AddSingleton<IRuleSetLoader>(sp => sp.GetRequiredService<RuleSetProvider>());

        services.AddOptions<ModerationOptions>().BindChecked(configuration.GetSection(ModerationOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ModerationOptions>, ModerationOptionsValidator>();

        // An entry the binder would drop for a value of the wrong kind fails its settings: a reload
        // with one keeps the last good ones (LastGoodOptionsFactory) rather than running without it.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ModerationOptions>>(new SettingsEntriesValidator<ModerationOptions>(configuration, SettingsEntries.CheckModeration)));
        services.AddOptions<PrivacyOptions>().BindChecked(configuration.GetSection(PrivacyOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PrivacyOptions>, PrivacyOptionsValidator>();
        services.AddOptions<Dictionary<string, GroupOverride>>().BindChecked(configuration.GetSection(SettingsEntries.GroupsSection)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<Dictionary<string, GroupOverride>>, GroupOverridesValidator>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<Dictionary<string, GroupOverride>>>(new SettingsEntriesValidator<Dictionary<string, GroupOverride>>(configuration, SettingsEntries.CheckGroups)));
        services.AddOptions<Members.JoinOptions>().BindChecked(configuration.GetSection(Members.JoinOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<Members.JoinOptions>, Members.JoinOptionsValidator>();
        services.AddSingleton<StreamTracker>();
        services.AddSingleton(sp =>
        {
            // Read at each message: GroupGuard:Moderation:PiecesSeconds follows a reload.
            var moderation = sp.GetRequiredService<IOptionsMonitor<ModerationOptions>>();
            return new MessagePieces(() => moderation.CurrentValue.PiecesSeconds, time: sp.GetService<TimeProvider>());
        });
        return services;
    }
}
