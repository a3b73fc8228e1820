using GroupGuard.Storage;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host.Cli;

/// <summary>
/// The host a command-line verb runs in: the service's configuration (appsettings.json beside the
/// executable, environment, command-line settings) and the service's own registrations for what
/// the verb needs, without the web server, the workers or the schedule.
/// </summary>
internal static class VerbHost
{
    /// <summary>Who a verb's audit entries and reviews name: <c>cli:</c> and the operating-system user.</summary>
    public static string Actor => "cli:" + Environment.UserName;

    /// <summary>
    /// Builds the host, validates the settings the verb uses as the service would at start, and
    /// runs <paramref name="verb"/>. With <paramref name="readsDatabase"/>, a database that is not
    /// there is an error naming its path rather than an empty one created and reported on.
    /// </summary>
    public static async Task<int> RunAsync(
        IReadOnlyList<string> settings,
        Action<IServiceCollection, IConfigurationManager> register,
        Func<IServiceProvider, CancellationToken, Task<int>> verb,
        TextWriter error,
        CancellationToken cancellationToken,
        bool readsDatabase = false)
    {
        // The service's configuration as WebApplication.CreateBuilder makes it: ASPNETCORE_ variables
        // (ASPNETCORE_ENVIRONMENT among them) under the DOTNET_ ones, so a verb reads the same
        // appsettings.<environment>.json, and so the same database, as the service beside it.
        var configuration = new ConfigurationManager();
        configuration.AddEnvironmentVariables(prefix: "ASPNETCORE_");
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [.. settings],
            ContentRootPath = AppContext.BaseDirectory,
            Configuration = configuration,
        });

        // Standard output carries the verb's data; logs go to standard error, and only the ones that matter.
        // A console-provider rule outranks the general levels of appsettings.json.
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>(null, LogLevel.Warning);
        register(builder.Services, builder.Configuration);

        using var host = builder.Build();
        host.Services.GetRequiredService<IStartupValidator>().Validate();

        // A verb that reads what the service stored, pointed at another database than the
        // service's (another working directory, a missing setting), would otherwise create an
        // empty one and report nothing as if nothing had happened.
        if (readsDatabase
            && host.Services.GetRequiredService<IOptions<StorageOptions>>().Value.DatabaseFile() is { } file
            && !File.Exists(file))
        {
            await error.WriteLineAsync(
                $"groupguard: there is no database at {file}. Give this command the service's {StorageOptions.Section}:ConnectionString " +
                "(a relative Data Source is resolved against the current directory), or start the service once to create it.");
            return 1;
        }

        return await verb(host.Services, cancellationToken);
    }
}
