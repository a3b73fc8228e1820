using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using GroupGuard.OneBot.Actions;
using GroupGuard.OneBot.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GroupGuard.OneBot;

public static class OneBotServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="OneBotOptions"/> from <c>GroupGuard:OneBot</c>, validates them at start
    /// (every bad setting is named) and registers the <see cref="OneBotWebhookReceiver"/> singleton,
    /// the v11 WebSockets (<see cref="IOneBotReverseSockets"/> for the host's reverse endpoint, a
    /// hosted service for <see cref="OneBotOptions.Connections"/>, both listed as an
    /// <see cref="IConnectionStatus"/>), and the outbound action client as the
    /// <see cref="IProtocolActions"/> of OneBot v11 and v12. Events from the sockets go to the
    /// <see cref="IEventSink"/> the host registers.
    /// </summary>
    /// <summary>Adds to <paramref name="failures"/> each entry of <c>GroupGuard:OneBot:Connections</c> the binder would drop (<see cref="SettingsEntries"/>).</summary>
    public static void CheckConnections(IConfiguration configuration, List<string> failures) =>
        SettingsEntries.Check<OneBotConnectionOptions>(configuration, OneBotOptions.Section + ":Connections", failures);

    public static IServiceCollection AddGroupGuardOneBot(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<OneBotOptions>()
            .BindChecked(configuration.GetSection(OneBotOptions.Section))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OneBotOptions>, OneBotOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OneBotOptions>>(new SettingsEntriesValidator<OneBotOptions>(configuration, CheckConnections)));
        services.TryAddSingleton(static provider => new OneBotWebhookReceiver(
            provider.GetRequiredService<IOptionsMonitor<OneBotOptions>>(),
            provider.GetService<TimeProvider>() ?? TimeProvider.System));
        if (services.Any(d => d.ServiceType == typeof(OneBotActionClient)))
        {
            return services; // registered already: one client, whatever calls this twice
        }

        services.AddSingleton(static provider => new SocketRegistry(provider.GetService<TimeProvider>() ?? TimeProvider.System));
        services.AddSingleton<IConnectionStatus>(static provider => provider.GetRequiredService<SocketRegistry>());
        services.AddSingleton<IOneBotReverseSockets>(static provider => new ReverseSocketAcceptor(
            provider.GetRequiredService<OneBotWebhookReceiver>(),
            provider.GetRequiredService<IEventSink>(),
            provider.GetRequiredService<SocketRegistry>(),
            provider.GetService<ILogger<ReverseSocketAcceptor>>() ?? NullLogger<ReverseSocketAcceptor>.Instance));
        services.AddHostedService(static provider => new ForwardSocketService(
            provider.GetRequiredService<IOptions<OneBotOptions>>(),
            provider.GetRequiredService<OneBotWebhookReceiver>(),
            provider.GetRequiredService<SocketRegistry>(),
            provider,
            provider.GetService<TimeProvider>() ?? TimeProvider.System,
            provider.GetService<ILogger<ForwardSocketService>>() ?? NullLogger<ForwardSocketService>.Instance));
        services.AddSingleton(static provider => new OneBotActionClient(
            CreateHttpClient(),
            provider.GetRequiredService<IOptionsMonitor<OneBotOptions>>(),
            provider.GetService<TimeProvider>() ?? TimeProvider.System,
            provider.GetService<ILogger<OneBotActionClient>>() ?? NullLogger<OneBotActionClient>.Instance,
            sockets: provider.GetRequiredService<SocketRegistry>()));
        services.AddSingleton<IProtocolActions>(static provider => provider.GetRequiredService<OneBotActionClient>());
        services.AddSingleton<Core.Images.IImageLocator>(static provider => provider.GetRequiredService<OneBotActionClient>());
        services.AddSingleton<Core.Forwards.IForwardedMessages>(static provider => provider.GetRequiredService<OneBotActionClient>());
        services.AddSingleton<Core.Members.IMemberJoinTimes>(static provider => provider.GetRequiredService<OneBotActionClient>());
        services.AddSingleton<Core.Members.IGroupNameLookup>(static provider => provider.GetRequiredService<OneBotActionClient>());
        services.AddSingleton<Core.Members.IJoinRequestActions>(static provider => provider.GetRequiredService<OneBotActionClient>());
        services.TryAddSingleton<Core.Digests.IPrivateMessenger>(static provider => provider.GetRequiredService<OneBotActionClient>());
        return services;
    }

    /// <summary>
    /// Says that the host serves the OneBot v11 reverse WebSocket endpoint (the one that hands its
    /// sockets to <see cref="IOneBotReverseSockets"/>); call it where the endpoint is mapped, before
    /// the service starts. From then on a v11 action for a bot without a socket waits for the bot to
    /// connect, within <see cref="OneBotOptions.ActionBudgetSeconds"/>, rather than being
    /// <c>unsupported</c> at once when <see cref="OneBotOptions.ApiBaseUrl"/> is not set: after a
    /// restart, the journal's replay and the recovery of pending actions run before the host listens,
    /// so before any bot could have reconnected. Does nothing when the OneBot adapter is not registered.
    /// </summary>
    public static void AcceptOneBotReverseSockets(this IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.GetService<SocketRegistry>()?.AcceptReverse();
    }

    /// <summary>The client of the action API; internal so that tests send through exactly this one.</summary>
    internal static HttpClient CreateHttpClient()
    {
        // One long-lived client; the pooled lifetime picks up DNS changes of the implementation's host.
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            // A redirect would post the action, and with 307/308 its body, to a host nobody
            // configured; the transport refuses any 3xx instead.
            AllowAutoRedirect = false,
        };
        return new HttpClient(handler, disposeHandler: true)
        {
            // Each attempt has its own timeout (ActionTimeoutSeconds), which a reload may change.
            // Answers are read by the transport, each within its call's bound (ApiCall.MaxAnswerBytes).
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }
}
