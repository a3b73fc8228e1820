using GroupGuard.Core;
using GroupGuard.Core.Rules;
using GroupGuard.Channels;
using GroupGuard.Host.Alerts;
using GroupGuard.Host.Cli;
using GroupGuard.Host.Digests;
using GroupGuard.Host.Health;
using GroupGuard.Host.Rules;
using GroupGuard.Host.Telemetry;
using GroupGuard.Host.Webhooks;
using GroupGuard.Host.WebConsole;
using GroupGuard.Milky;
using GroupGuard.OneBot;
using GroupGuard.QQBot;
using GroupGuard.Storage;
using GroupGuard.Text.Jieba;
using GroupGuard.WeCom;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host;

/// <summary>The composition root of the service: the web host and everything it runs, in the order a message flows.</summary>
internal static class GroupGuardApp
{
    public const string DefaultUrl = "http://127.0.0.1:5140";

    /// <summary>Runs the service until it is stopped; <paramref name="settings"/> are command-line settings (<c>--urls …</c>).</summary>
    public static async Task<int> RunServiceAsync(IReadOnlyList<string> settings)
    {
        var app = BuildWebApplication([.. settings]);

        // Settings are checked before the host starts, so that a wrong one is reported once, by its
        // key (StartupErrors), rather than first in the host's "Hosting failed to start" line with
        // a stack trace.
        app.Services.GetService<Microsoft.Extensions.Options.IStartupValidator>()?.Validate();
        try
        {
            await app.RunAsync();
        }
        catch (System.Net.Sockets.SocketException ex) when (ex.SocketErrorCode == System.Net.Sockets.SocketError.AccessDenied)
        {
            // Kestrel says "address in use" in words (StartupErrors), but lets a refused bind (a
            // port below 1024 without the right to it) through bare, which ended the process with
            // a stack trace and exit 134.
            throw ListenDenied(new ListenAddresses(app.Configuration).All, ex);
        }

        return 0;
    }

    /// <summary>A bind the system refused, in the words Kestrel gives a taken port, with what to do; StartupErrors adds where the address is set.</summary>
    internal static IOException ListenDenied(IReadOnlyList<string> addresses, Exception inner) =>
        new(
            $"Failed to bind to address {string.Join(", ", addresses)}: permission denied. A port below 1024 needs privileges the service should not have: " +
            "listen on a port from 1024 up (5140 is the default) and let nginx take port 80 or 443 in front of it (deploy/nginx.md).",
            inner);

    /// <summary>
    /// The entries of the service's lists and dictionaries of settings that the binder would leave
    /// out for a value of the wrong kind (<see cref="SettingsEntries"/>): a group's override, an
    /// escalation step (the service's or a group's), an alert rule, a leader, a connection. Each is
    /// also a failure of the settings it belongs to (<see cref="SettingsEntriesValidator{TOptions}"/>),
    /// so that a reload with one keeps the last good ones; this says them all before the host is built.
    /// </summary>
    internal static List<string> UnboundEntries(IConfiguration configuration)
    {
        var failures = new List<string>();
        UnknownSections(configuration, failures);
        SettingsEntries.CheckModeration(configuration, failures);
        SettingsEntries.CheckGroups(configuration, failures);
        AlertRulesValidator.CheckEntries(configuration, failures);
        DigestRegistration.LeadersValidator.CheckEntries(configuration, failures);
        OneBotServiceCollectionExtensions.CheckConnections(configuration, failures);
        MilkyServiceCollectionExtensions.CheckConnections(configuration, failures);
        return failures;
    }

    /// <summary>
    /// The sections and settings directly under <c>GroupGuard</c> (and under <c>GroupGuard:WeCom</c>);
    /// inside each, its own kind of settings names what it takes (<see cref="SettingsShape"/>).
    /// </summary>
    internal static readonly string[] Sections =
    [
        "Alerts", "Channels", "Commands", "Console", "Groups", "Images", "InstanceId", "Join", "Leaders", "Milky", "Moderation",
        "OneBot", "Pipeline", "Privacy", "QQBot", "Rules", "Storage", "Telemetry", "WeCom", "Webhooks",
    ];

    /// <summary>
    /// A section under <c>GroupGuard</c> that no setting is read from (<c>"Leader"</c>, <c>"Alert"</c>,
    /// <c>GroupGuard__Onebot__…</c> is fine: keys ignore case), which would be ignored whole: the
    /// service would run on its defaults for what it was meant to set.
    /// </summary>
    internal static void UnknownSections(IConfiguration configuration, List<string> failures)
    {
        foreach (var section in configuration.GetSection("GroupGuard").GetChildren())
        {
            if (!Sections.Contains(section.Key, StringComparer.OrdinalIgnoreCase))
            {
                failures.Add(SettingsShape.DescribeUnknown(section.Path, Sections));
            }
        }

        foreach (var section in configuration.GetSection("GroupGuard:WeCom").GetChildren())
        {
            if (!string.Equals(section.Key, "Archive", StringComparison.OrdinalIgnoreCase))
            {
                failures.Add(SettingsShape.DescribeUnknown(section.Path, ["Archive"]));
            }
        }
    }

    /// <summary>The category the generic host logs its own start and stop under.</summary>
    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    public static WebApplication BuildWebApplication(string[] args)
    {
        // Before the settings are read: a settings file that is a link is watched by polling, which
        // follows the link (its edits are read while the service runs), where the default watcher does not.
        var linkedSettings = SettingsFiles.PollWhenLinked(AppContext.BaseDirectory);
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

        // One line per entry, with a timestamp; or the formatter Logging:Console:FormatterName names
        // (json: one JSON object per line, for a log shipper), which systemd's does not override.
        var formatter = builder.Configuration["Logging:Console:FormatterName"];
        if (!string.IsNullOrWhiteSpace(formatter) && formatter.Trim() is not ("simple" or "json" or "systemd"))
        {
            throw new OptionsValidationException("Logging:Console:FormatterName", typeof(object), [$"Logging:Console:FormatterName must be simple, json or systemd, got '{formatter}'"]);
        }

        if (UnboundEntries(builder.Configuration) is { Count: > 0 } unbound)
        {
            throw new OptionsValidationException("GroupGuard", typeof(object), unbound);
        }

        var limitFailures = new List<string>();
        var connectionLimits = ConnectionLimits.Read(builder.Configuration, limitFailures);
        if (limitFailures.Count > 0)
        {
            throw new OptionsValidationException("Kestrel:Limits", typeof(object), limitFailures);
        }

        builder.Services.AddSingleton(sp => new ConnectionGate(connectionLimits.Connections, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ConnectionGate>>()));
        builder.WebHost.ConfigureKestrel(kestrel => ConnectionLimits.Apply(kestrel, connectionLimits.Upgraded));

        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-dd HH:mm:ss ";
        });

        // A start that fails (a port already taken, an adapter's problem) is said once, in words,
        // by StartupErrors; the host's own "Hosting failed to start" line before it carried the
        // whole stack trace. Until the host has started, its errors are left to that; what it
        // reports as critical (a background service stopping the host) and everything after the
        // start is logged as ever. A failure StartupErrors does not know keeps its stack trace.
        // (Its category only, at Information and up as the default is: a filter on every category
        // would stand in for the configured levels.) `started` is the host's ApplicationStarted,
        // set once the host is built.
        CancellationToken started = default;
        builder.Logging.AddFilter(HostCategory, level => level >= LogLevel.Information && (started.IsCancellationRequested || level != LogLevel.Error));

        // Under systemd (Type=notify): ready is signalled once every hosted service has started
        // (schema migrated, rules loaded, journal replayed, adapters started), stopping when the
        // stop begins, and log lines carry journald's priority prefix instead of a timestamp.
        // Elsewhere it does nothing.
        builder.Services.AddSystemd();
        if (!string.IsNullOrWhiteSpace(formatter))
        {
            builder.Services.PostConfigure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.FormatterName = formatter.Trim());
        }

        // A JSON line says when, as the simple format's does (the formatter writes none unless
        // told a format): UTC, to the millisecond, in ISO 8601, which log shippers read as it is.
        // One set in Logging:Console:FormatterOptions stays.
        builder.Services.PostConfigure<Microsoft.Extensions.Logging.Console.JsonConsoleFormatterOptions>(o =>
        {
            if (string.IsNullOrEmpty(o.TimestampFormat))
            {
                o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
                o.UseUtcTimestamp = true;
            }
        });

        DigestRegistration.AddDefaults(builder.Configuration);
        builder.Services
            .AddGroupGuardCore(builder.Configuration)
            .AddGroupGuardRuleLoading()
            .AddGroupGuardJieba()
            .AddGroupGuardStorage(builder.Configuration)
            .AddGroupGuardOneBot(builder.Configuration)
            .AddGroupGuardMilky(builder.Configuration)
            .AddGroupGuardQQBot(builder.Configuration)
            .AddGroupGuardWeComArchive(builder.Configuration)
            .AddGroupGuardWebhooks(builder.Configuration)
            .AddGroupGuardMilkyWebhook()
            .AddGroupGuardPipeline(builder.Configuration)
            .AddGroupGuardPictures(builder.Configuration)
            .AddGroupGuardCommands(builder.Configuration)
            .AddGroupGuardChannels(builder.Configuration)
            .AddGroupGuardDigests(builder.Configuration)
            .AddGroupGuardDigestSchedule(builder.Configuration)
            .AddGroupGuardAlerts(builder.Configuration)
            .AddGroupGuardAlertService()
            .AddGroupGuardJobs(builder.Configuration)
            .AddGroupGuardConsole(builder.Configuration)
            .AddGroupGuardTelemetry(builder.Configuration);
        builder.Services.AddHostedService<DeliverySummary>();
        builder.Services.AddSingleton<RestartOnlySettings>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RestartOnlySettings>());
        builder.Services.AddSingleton<UnknownSectionsOnReload>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<UnknownSectionsOnReload>());
        builder.Services.AddSingleton<StorageProbe>();
        builder.Services.AddSingleton<ClusterProbe>();
        builder.Services.AddSingleton<DigestProbe>();
        builder.Services.Replace(ServiceDescriptor.Transient(typeof(IOptionsFactory<>), typeof(LastGoodOptionsFactory<>)));

        var app = builder.Build();
        started = app.Lifetime.ApplicationStarted;
        if (linkedSettings.Count > 0)
        {
            SettingsFiles.LogPolling(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SettingsFiles).FullName!), string.Join(", ", linkedSettings));
        }

        // A settings file left in the folder the service was started from looks read and is not.
        if (SettingsFiles.NotRead(Environment.CurrentDirectory, AppContext.BaseDirectory, app.Environment.EnvironmentName) is { Count: > 0 } notRead)
        {
            SettingsFiles.LogNotRead(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SettingsFiles).FullName!), string.Join(", ", notRead), AppContext.BaseDirectory);
        }

        // appsettings.production.json for the environment Production: on Linux, not read, and not said.
        SettingsFiles.WarnWrongCase(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SettingsFiles).FullName!), app.Environment.ContentRootPath, app.Environment.EnvironmentName);

        // Behind a TLS proxy on this machine (deploy/nginx.md): its X-Forwarded-Proto makes the request
        // https, so the console's cookies are marked Secure. Only the scheme is taken, and only from
        // loopback; the client's address is not, so a proxied request still shows as one (ProxiedRequests).
        app.UseForwardedHeaders(new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedProto });
        app.UseGroupGuardConsole();
        app.MapOneBotWebhooks();
        app.MapOneBotWebSocket();
        app.MapMilkyWebhook();
        app.MapQQBotWebhook();
        app.MapGroupGuardHealth();
        app.UseGroupGuardTelemetry();
        return app;
    }
}
