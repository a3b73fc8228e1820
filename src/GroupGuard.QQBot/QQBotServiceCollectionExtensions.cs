using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GroupGuard.QQBot;

public static class QQBotServiceCollectionExtensions
{
    /// <summary>The official QQ bot platform adapter: not built yet, so it registers nothing.</summary>
    public static IServiceCollection AddGroupGuardQQBot(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        return services;
    }
}
