using GroupGuard.Core;
using GroupGuard.Core.Accounts;
using GroupGuard.Core.Digests;
using GroupGuard.Core.Images;
using GroupGuard.Core.Moderation;
using GroupGuard.Storage.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace GroupGuard.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IIncidentStore"/>, <see cref="IIncidentBrowser"/>, <see cref="IAccountStore"/>,
    /// <see cref="IGroupSwitches"/>, <see cref="ISentWarnings"/>, <see cref="IDigestOutbox"/> and <see cref="IImageBlocks"/> (SQLite, one database)
    /// with <see cref="StorageOptions"/> bound from <c>GroupGuard:Storage</c> and validated at start.
    /// The host calls <see cref="IIncidentStore.InitializeAsync"/> once before the first write to
    /// either: it creates the outbox's tables too.
    /// </summary>
    public static IServiceCollection AddGroupGuardStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.Section))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        // One database object per container: its writer turn is shared by every store on the file.
        services.TryAddSingleton(sp => new SqliteDatabase(sp.GetRequiredService<IOptions<StorageOptions>>().Value.ConnectionString));
        services.TryAddSingleton<SqliteIncidentStore>();
        services.TryAddSingleton<IIncidentStore>(sp => sp.GetRequiredService<SqliteIncidentStore>());
        services.TryAddSingleton<IIncidentBrowser>(sp => sp.GetRequiredService<SqliteIncidentStore>());
        services.TryAddSingleton<IAccountStore, SqliteAccountStore>();
        services.TryAddSingleton<IGroupSwitches, SqliteGroupSwitches>();
        services.TryAddSingleton<ISentWarnings, SqliteSentWarnings>();
        services.TryAddSingleton<IDigestOutbox, SqliteDigestOutbox>();
        services.TryAddSingleton<IImageBlocks, SqliteImageBlocks>();
        services.TryAddSingleton<SqliteJoinDecisions>();
        services.TryAddSingleton<Core.Members.IJoinDecisions>(sp => sp.GetRequiredService<SqliteJoinDecisions>());
        services.TryAddSingleton<Core.Members.IUserBlocks>(sp => sp.GetRequiredService<SqliteJoinDecisions>());
        return services;
    }
}
