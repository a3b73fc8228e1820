using GroupGuard.Core.Digests;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GroupGuard.Channels;

public static class ChannelsServiceCollectionExtensions
{
    /// <summary>
    /// Reads <see cref="DigestChannelsOptions"/> from <c>GroupGuard:Channels</c>, validates them at
    /// start (every mistake named by its key, no secret quoted) and registers
    /// <see cref="IDigestChannels"/>: one channel per configured name, sharing one HTTP client.
    /// The <c>onebot</c> channels use the <see cref="IPrivateMessenger"/> registered elsewhere, if
    /// any; without one they fail when sending. A changed <c>GroupGuard:Channels</c> builds the
    /// channels again (settings that fail their check leave the last good ones in force).
    /// </summary>
    public static IServiceCollection AddGroupGuardChannels(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<DigestChannelsOptions>()
            .Configure(options => ChannelSettingsReader.Read(configuration.GetSection(DigestChannelsOptions.Section), options))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DigestChannelsOptions>, DigestChannelsOptionsValidator>());
        // Read by hand from the section, so the section's reloads are passed on by hand too.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IOptionsChangeTokenSource<DigestChannelsOptions>>(
            new ConfigurationChangeTokenSource<DigestChannelsOptions>(configuration.GetSection(DigestChannelsOptions.Section))));
        services.TryAddSingleton(static provider => new ChannelHttp(provider.GetService<TimeProvider>() ?? TimeProvider.System));
        services.TryAddSingleton<IDigestChannels>(provider => new DigestChannelRegistry(
            provider.GetRequiredService<IOptionsMonitor<DigestChannelsOptions>>(),
            provider.GetRequiredService<ChannelHttp>(),
            provider.GetService<TimeProvider>() ?? TimeProvider.System,
            provider.GetService<IPrivateMessenger>,
            provider.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance,
            () => string.Join('\n', configuration.GetSection(DigestChannelsOptions.Section).AsEnumerable().Select(kv => kv.Key + "=" + kv.Value).Order(StringComparer.Ordinal))));
        return services;
    }
}
