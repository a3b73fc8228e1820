using GroupGuard.Core.Rules;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host.Cli;

/// <summary>
/// What stops a start (the service's or a verb's) in words an operator acts on: every invalid
/// setting by its key, the rules' problems by path and line. Anything else is a bug and keeps its
/// stack trace.
/// </summary>
internal static class StartupErrors
{
    public static List<string> Describe(Exception ex)
    {
        if (OptionsFailures(ex) is { Count: > 0 } failures)
        {
            return ["groupguard: invalid settings:", .. failures.Select(f => "  " + f)];
        }

        if (Problem(ex) is { } problem)
        {
            return ["groupguard: " + problem.Message];
        }

        return ex switch
        {
            RuleSetLoadException rules => ["groupguard: " + rules.Message],

            // Kestrel could not listen (the port is taken, or below 1024 without the right): its
            // message names the address; where to change it is added.
            IOException bind when bind.Message.StartsWith("Failed to bind to address", StringComparison.Ordinal) =>
                ["groupguard: " + bind.Message + (bind.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException ? " Another process listens there (a second GroupGuard?)." : ""),
                 "  Choose the address with " + Webhooks.ListenAddresses.Settings + "."],

            // A setting of the wrong kind ("Action": "ban"): the binder's message names the key; for a
            // setting that takes one of some words, the words are added.
            InvalidOperationException bind when bind.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) =>
                ["groupguard: invalid settings:", "  " + Core.SettingsEntries.Describe(bind)],

            // A settings file that cannot be read (appsettings.Production.json with a JSON syntax
            // error, a key twice, no right to read it): the configuration's message names only the
            // file; what is wrong, and where, is in the exception inside, which it does not say.
            InvalidDataException { InnerException: { } inner } file when file.Message.StartsWith(FailedToLoadSettings, StringComparison.Ordinal) =>
                ["groupguard: " + SettingsFile(file.Message) + ": " + SettingsFileProblem(inner)],

            // A settings file the service's user may not read (installed root's, mode 600): the
            // configuration's own message names the file and no more.
            UnauthorizedAccessException denied when denied.Message.Contains("appsettings", StringComparison.OrdinalIgnoreCase) =>
                ["groupguard: " + denied.Message,
                 $"  The service runs as {Environment.UserName}, who must be able to read its settings: give the file to the service's group and let the group read it " +
                 "(chgrp groupguard FILE && chmod 640 FILE; deploy/groupguard.service installs it so), or run the service as a user who may read it."],
            _ => [],
        };
    }

    /// <summary>How Microsoft.Extensions.Configuration's file providers begin the message of a file they could not load.</summary>
    private const string FailedToLoadSettings = "Failed to load configuration from file '";

    /// <summary>The file of "Failed to load configuration from file '/etc/groupguard/appsettings.json'."</summary>
    private static string SettingsFile(string message)
    {
        var end = message.LastIndexOf('\'', message.Length - 1);
        return end > FailedToLoadSettings.Length ? message[FailedToLoadSettings.Length..end] : message;
    }

    /// <summary>
    /// What is wrong in a settings file: the JSON reader's complaint, at the line and byte of the
    /// line it reports (which it counts from 0, where an editor counts from 1), or the provider's.
    /// Neither quotes more of the file than a character or two, so no setting's value is shown.
    /// </summary>
    private static string SettingsFileProblem(Exception inner)
    {
        if (inner is FormatException { InnerException: System.Text.Json.JsonException { LineNumber: { } line, BytePositionInLine: { } position } json })
        {
            var message = json.Message;
            var at = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            return $"line {line + 1}, byte {position + 1}: {(at > 0 ? message[..at] : message)}";
        }

        return inner.Message;
    }

    /// <summary>An adapter's start-up problem, however the host wrapped it.</summary>
    private static Core.StartupProblemException? Problem(Exception? ex) => ex switch
    {
        null => null,
        Core.StartupProblemException problem => problem,
        AggregateException aggregate => aggregate.InnerExceptions.Select(Problem).FirstOrDefault(p => p is not null),
        _ => Problem(ex.InnerException),
    };

    /// <summary>Every options failure in an exception, however the host wrapped them.</summary>
    private static List<string> OptionsFailures(Exception ex) => ex switch
    {
        OptionsValidationException options => [.. options.Failures],

        // Each failure once: settings worked out from another kind's (the pipeline's inbox folder
        // from the storage's data folder) fail with that kind's failures too.
        AggregateException aggregate => aggregate.InnerExceptions.SelectMany(OptionsFailures).Distinct(StringComparer.Ordinal).ToList(),
        _ => [],
    };
}
