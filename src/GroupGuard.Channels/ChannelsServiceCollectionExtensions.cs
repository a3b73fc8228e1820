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
    /// any; without one they fail when sending. Channels are built once: a changed
    /// <c>GroupGuard:Channels</c> takes effect at the next start.
    /// </summary>
    public static IServiceCollection AddGroupGuardChannels(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<DigestChannelsOptions>()
            .Configure(options => ChannelSettingsReader.Read(configuration.GetSection(DigestChannelsOptions.Section), options))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DigestChannelsOptions>, DigestChannelsOptionsValidator>());
        services.TryAddSingleton(static provider => new ChannelHttp(provider.GetService<TimeProvider>() ?? TimeProvider.System));
        services.TryAddSingleton<IDigestChannels>(static provider => new DigestChannelRegistry(
            provider.GetRequiredService<IOptions<DigestChannelsOptions>>(),
            provider.GetRequiredService<ChannelHttp>(),
            provider.GetService<TimeProvider>() ?? TimeProvider.System,
            provider.GetService<IPrivateMessenger>,
            provider.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance));
        return services;
    }
}
