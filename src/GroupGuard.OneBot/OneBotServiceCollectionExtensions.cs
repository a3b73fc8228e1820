using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace GroupGuard.OneBot;

public static class OneBotServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="OneBotOptions"/> from <c>GroupGuard:OneBot</c>, validates them at start
    /// (every bad setting is named) and registers the <see cref="OneBotWebhookReceiver"/> singleton.
    /// </summary>
    public static IServiceCollection AddGroupGuardOneBot(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<OneBotOptions>()
            .Bind(configuration.GetSection(OneBotOptions.Section))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OneBotOptions>, OneBotOptionsValidator>());
        services.TryAddSingleton<OneBotWebhookReceiver>();
        return services;
    }
}
