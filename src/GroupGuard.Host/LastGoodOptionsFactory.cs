using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host;

/// <summary>
/// Settings edited while the service runs (appsettings.json reloads) that fail their checks, or a
/// value the binder cannot convert, keep the last good settings of that kind in force and are
/// logged by key, instead of throwing at the next use: a range mistake in <c>GroupGuard:Moderation</c>
/// would otherwise stop the moderation worker at the next message, and the host with it. The first
/// settings of each kind have no last good ones: a mistake there stops the start, as ever.
/// </summary>
internal sealed partial class LastGoodOptionsFactory<TOptions>(
    IEnumerable<IConfigureOptions<TOptions>> setups,
    IEnumerable<IPostConfigureOptions<TOptions>> postConfigures,
    IEnumerable<IValidateOptions<TOptions>> validations,
    IServiceProvider services) : IOptionsFactory<TOptions>
    where TOptions : class
{
    private readonly OptionsFactory<TOptions> _inner = new(setups, postConfigures, validations);
    private readonly ConcurrentDictionary<string, TOptions> _lastGood = new(StringComparer.Ordinal);

    public TOptions Create(string name)
    {
        try
        {
            var created = _inner.Create(name);
            _lastGood[name] = created;
            return created;
        }
        catch (OptionsValidationException ex) when (_lastGood.TryGetValue(name, out var good))
        {
            Log(ex.Failures);
            return good;
        }
        catch (InvalidOperationException ex) when (ex.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) && _lastGood.TryGetValue(name, out var good))
        {
            Log([Core.SettingsEntries.Describe(ex)]);
            return good;
        }
    }

    // The logger is found when first needed: the logging system's own settings come from a factory like this one.
    private void Log(IEnumerable<string> failures)
    {
        if (services.GetService(typeof(ILogger<LastGoodOptionsFactory<TOptions>>)) is not ILogger logger)
        {
            return;
        }

        foreach (var failure in failures)
        {
            LogKept(logger, failure);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Settings reloaded with a mistake, the last good ones kept until it is mended: {Failure}")]
    private static partial void LogKept(ILogger logger, string failure);
}
