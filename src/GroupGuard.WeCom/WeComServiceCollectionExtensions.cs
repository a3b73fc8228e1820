using System.Net;
using GroupGuard.Core;
using GroupGuard.Core.Moderation;
using GroupGuard.WeCom.Archive;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GroupGuard.WeCom;

public static class WeComServiceCollectionExtensions
{
    /// <summary>
    /// WeCom's chat archive: binds <see cref="WeComArchiveOptions"/> from <c>GroupGuard:WeCom:Archive</c>
    /// and validates them at start; registers the read-only actions of <see cref="Protocol.WeComArchive"/>,
    /// the puller's state for <c>/healthz</c> and the puller itself, which opens the SDK at start
    /// when <c>CorpId</c> is set and does nothing otherwise.
    /// </summary>
    public static IServiceCollection AddGroupGuardWeComArchive(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        if (services.Any(d => d.ServiceType == typeof(ArchiveStatus)))
        {
            return services;
        }

        services.AddOptions<WeComArchiveOptions>()
            .BindChecked(configuration.GetSection(WeComArchiveOptions.Section))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WeComArchiveOptions>, WeComArchiveOptionsValidator>());
        services.AddSingleton<ArchiveStatus>();
        services.AddSingleton<ArchiveSessionHolder>();
        services.AddSingleton<Core.Images.IImageBytes>(static provider => new ArchiveMedia(
            provider.GetRequiredService<ArchiveSessionHolder>(),
            provider.GetRequiredService<IOptions<WeComArchiveOptions>>(),
            provider.GetService<TimeProvider>() ?? TimeProvider.System));
        services.AddSingleton<IPulledSourceStatus>(static provider => provider.GetRequiredService<ArchiveStatus>());
        services.AddSingleton<IConnectionStatus>(static provider => provider.GetRequiredService<ArchiveStatus>());
        services.AddSingleton<IProtocolActions, WeComArchiveActions>();
        services.TryAddSingleton<Func<WeComArchiveOptions, ArchiveSession>>(static _ => Open);
        services.AddSingleton<IHostedService>(static provider => new ArchivePuller(
            provider.GetRequiredService<IOptionsMonitor<WeComArchiveOptions>>(),
            provider.GetRequiredService<Func<WeComArchiveOptions, ArchiveSession>>(),
            provider.GetRequiredService<ArchiveSessionHolder>(),
            provider.GetRequiredService<IEventSink>(),
            provider.GetRequiredService<ISourceCursors>(),
            provider.GetRequiredService<ArchiveStatus>(),
            provider.GetService<TimeProvider>() ?? TimeProvider.System,
            provider.GetService<ILogger<ArchivePuller>>() ?? NullLogger<ArchivePuller>.Instance,
            provider.GetRequiredService<ArchiveGroupNames>()));
        services.AddSingleton(static provider => new ArchiveGroupNames(
            provider.GetRequiredService<IOptions<WeComArchiveOptions>>(),
            CreateHttpClient(provider.GetRequiredService<IOptions<WeComArchiveOptions>>().Value),
            provider.GetService<TimeProvider>() ?? TimeProvider.System,
            provider.GetService<ILogger<ArchiveGroupNames>>() ?? NullLogger<ArchiveGroupNames>.Instance));
        return services;
    }

    /// <summary>
    /// The client of WeCom's API (group names): no redirects, which would carry the token elsewhere;
    /// through <c>Proxy</c> (with <c>ProxyPassword</c>'s <c>user:password</c>) when the settings name
    /// one, as the SDK goes: a server that reaches WeCom only through a proxy reaches its API so too.
    /// </summary>
    internal static HttpClient CreateHttpClient(WeComArchiveOptions? options = null)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            AllowAutoRedirect = false,
        };
        if (options?.Proxy is { Length: > 0 } proxy)
        {
            var web = new WebProxy(new Uri(proxy), BypassOnLocal: false);
            if (options.ProxyPassword is { Length: > 0 } credentials)
            {
                var colon = credentials.IndexOf(':', StringComparison.Ordinal);
                web.Credentials = colon < 0
                    ? new NetworkCredential(credentials, "")
                    : new NetworkCredential(credentials[..colon], credentials[(colon + 1)..]);
            }

            handler.Proxy = web;
            handler.UseProxy = true;
        }

        return new HttpClient(handler)
        {
            Timeout = Timeout.InfiniteTimeSpan,
            MaxResponseContentBufferSize = ArchiveGroupNames.MaxAnswerBytes,
        };
    }

    /// <summary>Loads the operator's SDK and the private keys; every failure names its setting.</summary>
    internal static ArchiveSession Open(WeComArchiveOptions options)
    {
        FinanceSdk sdk;
        try
        {
            sdk = FinanceSdk.Open(options.SdkPath!, options.CorpId!, options.Secret!);
        }
        catch (FinanceSdkException ex)
        {
            throw new StartupProblemException("WeCom chat archive: " + ex.Message, ex);
        }

        try
        {
            var keys = new ArchiveKeys(options.PrivateKeys);
            return new ArchiveSession(sdk, keys, new Both(sdk, keys));
        }
        catch (ArchiveKeyException ex)
        {
            sdk.Dispose();
            throw new StartupProblemException("WeCom chat archive: " + string.Join("; ", ex.Problems), ex);
        }
        catch
        {
            sdk.Dispose();
            throw;
        }
    }

    private sealed class Both(IDisposable first, IDisposable second) : IDisposable
    {
        public void Dispose()
        {
            first.Dispose();
            second.Dispose();
        }
    }
}
