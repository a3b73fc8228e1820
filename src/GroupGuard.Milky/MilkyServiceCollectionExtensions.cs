using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using GroupGuard.Milky.Actions;
using GroupGuard.Milky.Streams;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GroupGuard.Milky;

public static class MilkyServiceCollectionExtensions
{
    /// <summary>
    /// The Milky adapter (Lagrange.Milky, LuckyLilliaBot, Yogurt): binds <see cref="MilkyOptions"/>
    /// from <c>GroupGuard:Milky</c> and validates them at start; registers the webhook receiver
    /// (<see cref="IMilkyWebhookReceiver"/>), the action client as the <see cref="IProtocolActions"/>
    /// of <see cref="Protocol.Milky"/> (and its forwarded chats, join requests and join times), the connections as an <see cref="IConnectionStatus"/>, and a
    /// hosted service that reads each connection's event stream into the <see cref="IEventSink"/>.
    /// </summary>
    /// <summary>Adds to <paramref name="failures"/> each entry of <c>GroupGuard:Milky:Connections</c> the binder would drop (<see cref="SettingsEntries"/>).</summary>
    public static void CheckConnections(IConfiguration configuration, List<string> failures) =>
        SettingsEntries.Check<MilkyConnectionOptions>(configuration, MilkyOptions.Section + ":Connections", failures);

    public static IServiceCollection AddGroupGuardMilky(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        if (services.Any(d => d.ServiceType == typeof(MilkyConnections)))
        {
            return services; // registered already: one client and one set of streams, whatever calls this twice
        }

        services.AddOptions<MilkyOptions>()
            .BindChecked(configuration.GetSection(MilkyOptions.Section))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MilkyOptions>, MilkyOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MilkyOptions>>(new SettingsEntriesValidator<MilkyOptions>(configuration, CheckConnections)));
        services.AddSingleton<MilkyConnections>();
        services.AddSingleton<IConnectionStatus>(static provider => provider.GetRequiredService<MilkyConnections>());
        services.AddSingleton<IMilkyWebhookReceiver>(static provider => new MilkyWebhookReceiver(
            provider.GetRequiredService<IOptionsMonitor<MilkyOptions>>(),
            provider.GetService<TimeProvider>() ?? TimeProvider.System));
        services.AddSingleton(static provider => new MilkyActionClient(
            CreateHttpClient(),
            provider.GetRequiredService<MilkyConnections>(),
            provider.GetRequiredService<IOptionsMonitor<MilkyOptions>>(),
            provider.GetService<TimeProvider>() ?? TimeProvider.System,
            provider.GetService<ILogger<MilkyActionClient>>() ?? NullLogger<MilkyActionClient>.Instance));
        services.AddSingleton<IProtocolActions>(static provider => provider.GetRequiredService<MilkyActionClient>());
        services.AddSingleton<Core.Forwards.IForwardedMessages>(static provider => provider.GetRequiredService<MilkyActionClient>());
        services.AddSingleton<Core.Members.IJoinRequestActions>(static provider => provider.GetRequiredService<MilkyActionClient>());
        services.AddSingleton<Core.Members.IMemberJoinTimes>(static provider => provider.GetRequiredService<MilkyActionClient>());
        services.AddSingleton<IHostedService>(static provider => new MilkyEventStreams(
            provider.GetRequiredService<MilkyConnections>(),
            provider.GetRequiredService<IEventSink>(),
            provider.GetRequiredService<IOptionsMonitor<MilkyOptions>>(),
            provider.GetService<TimeProvider>() ?? TimeProvider.System,
            provider.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance));
        return services;
    }

    /// <summary>The client of the action API; internal so that tests send through exactly this one.</summary>
    internal static HttpClient CreateHttpClient() => new(new SocketsHttpHandler
    {
        // One long-lived client; the pooled lifetime picks up DNS changes of the implementation's host.
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(10),
        // A redirect would post the action, and the token, to a host nobody configured.
        AllowAutoRedirect = false,
    })
    {
        // Each attempt has its own timeout (ActionTimeoutSeconds), which a reload may change.
        // Answers are read by the transport, within MilkyLimits.MaxAnswerBytes.
        Timeout = Timeout.InfiniteTimeSpan,
    };
}
