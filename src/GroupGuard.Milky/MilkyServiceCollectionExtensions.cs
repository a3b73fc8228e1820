using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GroupGuard.Milky;

public static class MilkyServiceCollectionExtensions
{
    /// <summary>The Milky adapter (Lagrange.Milky, LuckyLilliaBot): not built yet, so it registers nothing.</summary>
    public static IServiceCollection AddGroupGuardMilky(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        return services;
    }
}
