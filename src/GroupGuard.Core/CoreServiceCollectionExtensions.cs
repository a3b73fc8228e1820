using GroupGuard.Core.Detection;
using GroupGuard.Core.Moderation;
using GroupGuard.Core.Rules;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace GroupGuard.Core;

public static class CoreServiceCollectionExtensions
{
    /// <summary>Rules options, the rule-set provider and its loading at start.</summary>
    public static IServiceCollection AddGroupGuardCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<RulesOptions>().Bind(configuration.GetSection(RulesOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RulesOptions>, RulesOptionsValidator>();
        services.AddSingleton<RuleSetProvider>();
        services.AddSingleton<IRuleSetProvider>(sp => sp.GetRequiredService<RuleSetProvider>());
        services.AddHostedService<RuleSetStartup>();
        services.AddHostedService<RuleReloader>();

        services.AddOptions<ModerationOptions>().Bind(configuration.GetSection(ModerationOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ModerationOptions>, ModerationOptionsValidator>();
        services.AddOptions<PrivacyOptions>().Bind(configuration.GetSection(PrivacyOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PrivacyOptions>, PrivacyOptionsValidator>();
        services.AddOptions<Dictionary<string, GroupOverride>>().Bind(configuration.GetSection("GroupGuard:Groups")).ValidateOnStart();
        services.AddSingleton<IValidateOptions<Dictionary<string, GroupOverride>>, GroupOverridesValidator>();
        services.AddSingleton<StreamTracker>();
        return services;
    }
}

/// <summary>Loads the rules before the service takes traffic; a broken rule set stops the start.</summary>
internal sealed class RuleSetStartup(RuleSetProvider provider) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!provider.Reload())
        {
            throw new RuleSetLoadException(
                "The rules cannot be loaded; fix these and start again:" + Environment.NewLine +
                string.Join(Environment.NewLine, provider.Status.Errors));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
