namespace GroupGuard.Host.Rules;

internal static class RulesServiceCollectionExtensions
{
    /// <summary>The running service's rules: loaded before it takes traffic, reloaded when the folder changes.</summary>
    public static IServiceCollection AddGroupGuardRuleLoading(this IServiceCollection services)
    {
        services.AddHostedService<RuleSetStartup>();
        services.AddHostedService<RuleReloader>();
        return services;
    }
}
