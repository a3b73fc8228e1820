using GroupGuard.Core;
using GroupGuard.Core.Images;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace GroupGuard.Images;

public static class ImagesServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="ImagesOptions"/> from <c>GroupGuard:Images</c> (validated at start, every
    /// bad setting named; the bridges' hosts from their own settings added to the allowed hosts),
    /// the named HTTP client pictures are fetched with, the OCR of <c>Ocr</c> <c>tesseract</c>, and
    /// <see cref="IPictureReader"/>. Adapters
    /// that can turn a file id into a link or the bytes register an <see cref="IImageLocator"/>.
    /// </summary>
    public static IServiceCollection AddGroupGuardImages(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<ImagesOptions>()
            .BindChecked(configuration.GetSection(ImagesOptions.Section))
            .PostConfigure(options => options.BridgeHosts.AddRange(BridgeHosts(configuration)))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ImagesOptions>, ImagesOptionsValidator>());
        services.AddHttpClient(PictureFetcher.ClientName, client =>
            {
                // The fetch's own timeout (TimeoutSeconds) covers redirects and the body.
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // Redirects are followed by hand, to the same host only (PictureFetcher).
                AllowAutoRedirect = false,
                UseCookies = false,
                ConnectTimeout = TimeSpan.FromSeconds(5),
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                MaxResponseHeadersLength = 64,
            });
        services.TryAddSingleton(static provider => new PictureFetcher(
            provider.GetRequiredService<IHttpClientFactory>(),
            provider.GetRequiredService<IOptionsMonitor<ImagesOptions>>(),
            provider.GetService<ILogger<PictureFetcher>>() ?? NullLogger<PictureFetcher>.Instance,
            provider.GetService<TimeProvider>() ?? TimeProvider.System));
        services.TryAddSingleton(static provider => new TesseractOcr(
            provider.GetRequiredService<IOptionsMonitor<ImagesOptions>>(),
            provider.GetService<ILogger<TesseractOcr>>() ?? NullLogger<TesseractOcr>.Instance,
            provider.GetService<TimeProvider>() ?? TimeProvider.System));
        services.TryAddSingleton<IPictureReader>(static provider => new PictureReader(
            provider.GetRequiredService<PictureFetcher>(),
            provider.GetRequiredService<TesseractOcr>(),
            provider.GetServices<IImageLocator>(),
            provider.GetRequiredService<IOptionsMonitor<ImagesOptions>>(),
            provider.GetService<ILogger<PictureReader>>() ?? NullLogger<PictureReader>.Instance,
            provider.GetService<TimeProvider>() ?? TimeProvider.System,
            provider.GetServices<IImageBytes>()));
        return services;
    }

    /// <summary>The hosts of the bridges GroupGuard talks to, read from their settings by name (this project knows no adapter).</summary>
    internal static IEnumerable<string> BridgeHosts(IConfiguration configuration)
    {
        IEnumerable<string?> urls =
        [
            configuration["GroupGuard:OneBot:ApiBaseUrl"],
            configuration["GroupGuard:OneBot:V12ApiBaseUrl"],
            .. configuration.GetSection("GroupGuard:OneBot:Connections").GetChildren().Select(c => c["Url"]),
            .. configuration.GetSection("GroupGuard:Milky:Connections").GetChildren().Select(c => c["Url"]),
        ];
        return urls.Select(HostAllowList.OfUrl).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase);
    }
}
