using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using GroupGuard.QQBot.Actions;
using GroupGuard.QQBot.Webhook;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GroupGuard.QQBot;

public static class QQBotServiceCollectionExtensions
{
    /// <summary>
    /// The official QQ bot platform: binds <see cref="QQBotOptions"/> from <c>GroupGuard:QQBot</c>
    /// (validated at start, every bad key named), and registers the webhook receiver
    /// (<see cref="IQQBotWebhook"/>), the OpenAPI client as the <see cref="IProtocolActions"/> of
    /// <see cref="Protocol.QQBot"/>, and the webhook's state for <c>/healthz</c>. Without an AppID and
    /// AppSecret everything stays off: the endpoint answers 404, actions are <c>unsupported</c>.
    /// </summary>
    public static IServiceCollection AddGroupGuardQQBot(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<QQBotOptions>()
            .BindChecked(configuration.GetSection(QQBotOptions.Section))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<QQBotOptions>, QQBotOptionsValidator>());
        if (services.Any(d => d.ServiceType == typeof(QQBotActionClient)))
        {
            return services; // registered already: one client, whatever calls this twice
        }

        services.AddSingleton(static provider => new QQBotStatus(
            provider.GetRequiredService<IOptionsMonitor<QQBotOptions>>(),
            provider.GetService<TimeProvider>() ?? TimeProvider.System));
        services.AddSingleton<IConnectionStatus>(static provider => provider.GetRequiredService<QQBotStatus>());
        services.AddSingleton<IQQBotWebhook>(static provider => new QQBotWebhookReceiver(
            provider.GetRequiredService<IOptionsMonitor<QQBotOptions>>(),
            provider.GetService<TimeProvider>() ?? TimeProvider.System,
            provider.GetRequiredService<QQBotStatus>()));
        services.AddSingleton(static provider => new QQBotActionClient(
            CreateHttpClient(),
            provider.GetRequiredService<IOptionsMonitor<QQBotOptions>>(),
            provider.GetService<TimeProvider>() ?? TimeProvider.System,
            provider.GetRequiredService<QQBotStatus>(),
            provider.GetService<ILogger<QQBotActionClient>>() ?? NullLogger<QQBotActionClient>.Instance));
        services.AddSingleton<IProtocolActions>(static provider => provider.GetRequiredService<QQBotActionClient>());
        return services;
    }

    /// <summary>The client of the OpenAPI and the token endpoint; internal so that tests send through exactly this one.</summary>
    internal static HttpClient CreateHttpClient()
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            // A redirect would carry the secret or the token to a host nobody configured.
            AllowAutoRedirect = false,
        };
        return new HttpClient(handler, disposeHandler: true)
        {
            // Each attempt has its own timeout (ActionTimeoutSeconds), which a reload may change.
            // Answers are read by the transport and the token source, within QQBotLimits.MaxAnswerBytes.
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }
}
