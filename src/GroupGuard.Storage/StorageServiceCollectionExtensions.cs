using GroupGuard.Core;
using GroupGuard.Core.Accounts;
using GroupGuard.Core.Digests;
using GroupGuard.Core.Images;
using GroupGuard.Core.Moderation;
using GroupGuard.Storage.Postgres;
using GroupGuard.Storage.Sqlite;
using GroupGuard.Storage.Stores;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace GroupGuard.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IIncidentStore"/>, <see cref="IIncidentBrowser"/>, <see cref="IAccountStore"/>,
    /// <see cref="IGroupSwitches"/>, <see cref="ITrustedMembers"/>, <see cref="ISentWarnings"/>, <see cref="IDigestOutbox"/> and <see cref="IImageBlocks"/>
    /// (one database: SQLite by default, or PostgreSQL with <c>Provider</c> = <c>postgres</c>)
    /// with <see cref="StorageOptions"/> bound from <c>GroupGuard:Storage</c> and validated at start.
    /// The host calls <see cref="IIncidentStore.InitializeAsync"/> once before the first write to
    /// either: it creates the outbox's tables too.
    /// </summary>
    /// <param name="upgradeSchema">
    /// Whether that initialization may upgrade a database at an older schema version: true for the
    /// service; false for a command-line verb, which then creates the schema of a new database but
    /// refuses an older one, naming it and what to do, and leaves it as it is.
    /// </param>
    public static IServiceCollection AddGroupGuardStorage(this IServiceCollection services, IConfiguration configuration, bool upgradeSchema = true)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<StorageOptions>()
            .BindChecked(configuration.GetSection(StorageOptions.Section))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        // One database object per container: its writer turn (SQLite) or its connection pool
        // (PostgreSQL) is shared by every store.
        services.TryAddSingleton<StorageDatabase>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            return options.IsPostgres
                ? new PostgresDatabase(options.ConnectionString, sp.GetServices<PostgresSchemaScript>()) { UpgradesSchema = upgradeSchema }
                : new SqliteDatabase(options.ConnectionString) { UpgradesSchema = upgradeSchema };
        });
        services.TryAddSingleton<IncidentStore>();
        services.TryAddSingleton<IIncidentStore>(sp => sp.GetRequiredService<IncidentStore>());
        services.TryAddSingleton<IIncidentBrowser>(sp => sp.GetRequiredService<IncidentStore>());
        services.TryAddSingleton<IPendingActions>(sp => sp.GetRequiredService<IncidentStore>());
        services.TryAddSingleton<IAccountStore, AccountStore>();
        services.TryAddSingleton<IGroupSwitches, GroupSwitches>();
        services.TryAddSingleton<ITrustedMembers, TrustedMembers>();
        services.TryAddSingleton<ISentWarnings, SentWarnings>();
        services.TryAddSingleton<IDigestOutbox, DigestOutbox>();
        services.TryAddSingleton<IImageBlocks, ImageBlocks>();
        // Several instances share flood and repeat counts through the database, and claim the group
        // commands they all hear; one alone keeps the counts in memory and carries out every command.
        if (configuration.GetSection(StorageOptions.Section).Get<StorageOptions>()?.IsPostgres == true)
        {
            services.TryAddSingleton<Core.Detection.IStreamLog, StreamLog>();
            services.TryAddSingleton<Core.Commands.ICommandClaims, CommandClaims>();
        }

        services.TryAddSingleton<JoinDecisions>();
        services.TryAddSingleton<Core.Members.IJoinDecisions>(sp => sp.GetRequiredService<JoinDecisions>());
        services.TryAddSingleton<Core.Members.IUserBlocks>(sp => sp.GetRequiredService<JoinDecisions>());
        return services;
    }
}
