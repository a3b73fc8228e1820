using GroupGuard.Core;
using GroupGuard.Core.Rules;
using GroupGuard.Channels;
using GroupGuard.Host.Cli;
using GroupGuard.Host.Digests;
using GroupGuard.Host.Health;
using GroupGuard.Host.Webhooks;
using GroupGuard.OneBot;
using GroupGuard.Storage;
using GroupGuard.Text.Jieba;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host;

/// <summary>The composition root and the verbs of the <c>groupguard</c> executable.</summary>
internal static class GroupGuardApp
{
    public const string DefaultUrl = "http://127.0.0.1:5140";

    public static async Task<int> RunAsync(string[] args)
    {
        var command = CommandLine.Parse(args);
        if (command.Help)
        {
            Console.Out.WriteLine(HelpText.Usage);
            return 0;
        }

        try
        {
            return command.Verbs switch
            {
                [] or ["run"] => await RunServiceAsync(args),
                ["incidents", "export"] => await RunToolAsync(args, (sp, ct) =>
                    IncidentsCommand.ExportAsync(command, sp.GetRequiredService<IIncidentStore>(), Console.OpenStandardOutput(), Console.Error, ct), readsDatabase: true),
                ["incidents", "mark", _] => await RunToolAsync(args, (sp, ct) =>
                    IncidentsCommand.MarkAsync(command, sp.GetRequiredService<IIncidentStore>(), sp.GetRequiredService<TimeProvider>(), Console.Out, Console.Error, ct), readsDatabase: true),
                ["rules", "check"] => await RunToolAsync(args, (sp, _) =>
                    Task.FromResult(RulesCommand.Check(RulesFolder(command, sp), Console.Out, sp.GetRequiredService<TimeProvider>()))),
                ["scan"] => await RunToolAsync(args, (sp, ct) => ScanAsync(command, sp, ct)),
                ["digest", ..] => await RunToolAsync(args, (sp, ct) =>
                    DigestCommand.RunAsync(command, sp.GetRequiredService<DigestService>(), Console.Out, Console.Error, ct), digests: true, readsDatabase: true),
                _ => Unknown(command),
            };
        }
        catch (Exception ex) when (ValidationFailures(ex) is { Count: > 0 } failures)
        {
            await Console.Error.WriteLineAsync("groupguard: invalid settings:");
            foreach (var failure in failures)
            {
                await Console.Error.WriteLineAsync("  " + failure);
            }

            return 1;
        }
        catch (RuleSetLoadException ex)
        {
            await Console.Error.WriteLineAsync("groupguard: " + ex.Message);
            return 1;
        }
        catch (InvalidOperationException ex) when (ex.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
        {
            // A setting of the wrong kind ("Action": "ban"): the binder's message names the key.
            await Console.Error.WriteLineAsync("groupguard: invalid settings:");
            await Console.Error.WriteLineAsync("  " + ex.Message + (ex.InnerException is { } inner ? " " + inner.Message : ""));
            return 1;
        }
    }

    /// <summary>The folder a rules verb works on: <c>--rules DIR</c>, else the service's setting.</summary>
    private static string RulesFolder(CommandLine command, IServiceProvider services) =>
        command.Option("rules") is { Length: > 0 } folder
            ? Path.GetFullPath(folder)
            : services.GetRequiredService<IOptions<RulesOptions>>().Value.ResolvePath();

    private static async Task<int> ScanAsync(CommandLine command, IServiceProvider services, CancellationToken cancellationToken)
    {
        var folder = RulesFolder(command, services);
        var loaded = RuleLoader.Load(folder, services.GetRequiredService<TimeProvider>());
        if (loaded.RuleSet is not { } rules)
        {
            await Console.Error.WriteLineAsync($"groupguard scan: the rules in {folder} have problems:");
            foreach (var error in loaded.Errors)
            {
                await Console.Error.WriteLineAsync("  " + error);
            }

            return 1;
        }

        var segmenter = services.GetService<Core.Text.IWordSegmenter>();
        segmenter?.UseTerms(rules.Version, rules.WordTerms);
        using var input = new StreamReader(Console.OpenStandardInput(), System.Text.Encoding.UTF8, false, 1 << 16);
        await using var output = Console.OpenStandardOutput();
        return await ScanCommand.RunAsync(rules, segmenter, input, output, Console.Error, cancellationToken);
    }

    /// <summary>Every options failure in an exception, however the host wrapped them.</summary>
    private static List<string> ValidationFailures(Exception ex) => ex switch
    {
        OptionsValidationException options => [.. options.Failures],
        AggregateException aggregate => aggregate.InnerExceptions.SelectMany(ValidationFailures).ToList(),
        _ => [],
    };

    private static int Unknown(CommandLine command)
    {
        Console.Error.WriteLine($"groupguard: unknown command '{string.Join(' ', command.Verbs)}'");
        Console.Error.WriteLine(HelpText.Usage);
        return 2;
    }

    private static async Task<int> RunServiceAsync(string[] args)
    {
        var app = BuildWebApplication(args);
        await app.RunAsync();
        return 0;
    }

    public static WebApplication BuildWebApplication(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // appsettings.json is read from beside the executable, so a published copy started from
            // any folder finds it; relative paths in settings are still taken from the current folder.
            ContentRootPath = AppContext.BaseDirectory,
        });

        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && !builder.Configuration.GetSection("Kestrel:Endpoints").Exists())
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-dd HH:mm:ss ";
        });

        DigestRegistration.AddDefaultLeader(builder.Configuration);
        builder.Services
            .AddGroupGuardCore(builder.Configuration)
            .AddGroupGuardJieba()
            .AddGroupGuardStorage(builder.Configuration)
            .AddGroupGuardOneBot(builder.Configuration)
            .AddGroupGuardWebhooks(builder.Configuration)
            .AddGroupGuardPipeline(builder.Configuration)
            .AddGroupGuardChannels(builder.Configuration)
            .AddGroupGuardDigests(builder.Configuration)
            .AddGroupGuardJobs();
        builder.Services.AddSingleton<StorageProbe>();

        var app = builder.Build();
        app.MapOneBotWebhooks();
        app.MapGroupGuardHealth();
        return app;
    }

    /// <summary>Runs a command-line verb with the service's configuration and stores, without the web server.</summary>
    private static async Task<int> RunToolAsync(string[] args, Func<IServiceProvider, CancellationToken, Task<int>> verb, bool digests = false, bool readsDatabase = false)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });

        // Standard output carries the verb's data; logs go to standard error, and only the ones that matter.
        // A console-provider rule outranks the general levels of appsettings.json.
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>(null, LogLevel.Warning);
        builder.Services.AddGroupGuardStorage(builder.Configuration);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddGroupGuardJieba();
        if (digests)
        {
            // The digests the service would send, made and sent from the command line through the
            // same outbox: same leaders, channels and OneBot API.
            DigestRegistration.AddDefaultLeader(builder.Configuration);
            builder.Services.AddGroupGuardOneBot(builder.Configuration);
            builder.Services.AddGroupGuardChannels(builder.Configuration);
            builder.Services.AddOptions<List<Core.Digests.LeaderOptions>>().Bind(builder.Configuration.GetSection(DigestRegistration.LeadersSection));
            builder.Services.AddSingleton<DigestService>();
        }

        builder.Services.AddOptions<RulesOptions>().Bind(builder.Configuration.GetSection(RulesOptions.Section));

        using var host = builder.Build();
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        // Validate the settings the verb uses, as the service would at start.
        var storage = host.Services.GetRequiredService<IOptions<StorageOptions>>().Value;
        host.Services.GetRequiredService<IStartupValidator>().Validate();

        // A verb that reads what the service stored, pointed at another database than the
        // service's (another working directory, a missing setting), would otherwise create an
        // empty one and report nothing as if nothing had happened.
        if (readsDatabase && storage.DatabaseFile() is { } file && !File.Exists(file))
        {
            await Console.Error.WriteLineAsync(
                $"groupguard: there is no database at {file}. Give this command the service's {StorageOptions.Section}:ConnectionString " +
                "(a relative Data Source is resolved against the current directory), or start the service once to create it.");
            return 1;
        }

        return await verb(host.Services, cancel.Token);
    }
}
