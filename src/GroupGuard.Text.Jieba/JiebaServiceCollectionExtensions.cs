using GroupGuard.Core.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GroupGuard.Text.Jieba;

public static class JiebaServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Jieba.NET <see cref="IWordSegmenter"/> as a singleton, and a start-up check that
    /// loads the dictionary from the <c>jieba/</c> folder beside the application and stops the start,
    /// naming that folder, when the dictionary did not really load.
    /// </summary>
    public static IServiceCollection AddGroupGuardJieba(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.TryAddSingleton<IWordSegmenter, JiebaWordSegmenter>();
        services.AddHostedService<JiebaStartupCheck>();
        return services;
    }
}
