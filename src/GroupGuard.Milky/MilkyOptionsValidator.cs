using System.Globalization;
using GroupGuard.Core.Moderation;
using Microsoft.Extensions.Options;

namespace GroupGuard.Milky;

internal sealed class MilkyOptionsValidator : IValidateOptions<MilkyOptions>
{
    /// <summary>Shorter webhook tokens are refused: they can be guessed.</summary>
    public const int MinimumTokenLength = 16;

    /// <summary>An hour: a dropped stream is opened again within that at the latest.</summary>
    public const int MaxReconnectSeconds = 3600;

    /// <summary>Half a minute: a shorter wait for a quiet SSE stream would reopen a healthy one all the time.</summary>
    public const int MinSseIdleSeconds = 30;

    /// <summary>An hour: a dead SSE stream is noticed within that at the latest.</summary>
    public const int MaxSseIdleSeconds = 3600;

    public ValidateOptionsResult Validate(string? name, MilkyOptions options)
    {
        var failures = new List<string>();

        if (options.Connections.Count > MilkyLimits.MaxConnections)
        {
            failures.Add($"{Key(nameof(MilkyOptions.Connections))} lists {Count(options.Connections.Count)} implementations; at most {Count(MilkyLimits.MaxConnections)} are supported");
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Connections.Count; i++)
        {
            var connection = options.Connections[i];
            var prefix = $"{Key(nameof(MilkyOptions.Connections))}:{Count(i)}";
            if (connection is null)
            {
                failures.Add($"{prefix} is empty: give it a Url");
                continue;
            }

            if (string.IsNullOrWhiteSpace(connection.Url))
            {
                failures.Add($"{prefix}:Url is not set: give the implementation's HTTP address, e.g. http://127.0.0.1:3010");
            }
            else if (UrlProblem(connection.Url) is { } problem)
            {
                failures.Add($"{prefix}:Url {problem}, got '{Shown(connection.Url)}'");
            }
            else if (!seen.Add(connection.Url.TrimEnd('/')))
            {
                failures.Add($"{prefix}:Url repeats an earlier entry ('{connection.Url}'): one entry per implementation");
            }

            TokenProblem(failures, $"{prefix}:AccessToken", connection.AccessToken, minimumLength: 0);
        }

        TokenProblem(failures, Key(nameof(MilkyOptions.AccessToken)), options.AccessToken, MinimumTokenLength);

        CallSettings.Check(failures, MilkyOptions.Section, options.MaxActionsPerSecond, options.ActionTimeoutSeconds, options.ActionBudgetSeconds, options.MaxAttempts);
        CallSettings.Seconds(failures, Key(nameof(MilkyOptions.ReconnectMaxSeconds)), options.ReconnectMaxSeconds, MaxReconnectSeconds);
        if (CallSettings.Seconds(failures, Key(nameof(MilkyOptions.SseIdleSeconds)), options.SseIdleSeconds, MaxSseIdleSeconds)
            && options.SseIdleSeconds < MinSseIdleSeconds)
        {
            failures.Add($"{Key(nameof(MilkyOptions.SseIdleSeconds))} must be at least {Count(MinSseIdleSeconds)} s (a quiet stream is reopened after that long), got {options.SseIdleSeconds.ToString(CultureInfo.InvariantCulture)}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static string Key(string name) => $"{MilkyOptions.Section}:{name}";

    private static string? UrlProblem(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return "must be an absolute http or https URL (the implementation's HTTP address; GroupGuard adds /event and /api)";
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return "must not carry a user name or password: put the token in AccessToken";
        }

        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            return "must not have a query or fragment: put the token in AccessToken";
        }

        return null;
    }

    /// <summary>A URL shown back without what could be a credential in it.</summary>
    private static string Shown(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (!string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Query))
            ? uri.GetLeftPart(UriPartial.Scheme) + uri.Host + ":" + uri.Port.ToString(CultureInfo.InvariantCulture) + uri.AbsolutePath
            : value;

    /// <summary>Not a placeholder, nothing an HTTP header cannot carry, long enough; the value itself is never shown.</summary>
    private static void TokenProblem(List<string> failures, string key, string? value, int minimumLength)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        if (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]) || value.Any(char.IsControl))
        {
            // HTTP trims header values and refuses control characters: such a token could never match.
            failures.Add($"{key} must not start or end with whitespace or contain control characters");
        }
        else if (value.StartsWith('<') && value.EndsWith('>'))
        {
            failures.Add($"{key} is still the placeholder of the example settings: put the real token there (or leave it out)");
        }
        else if (value.Length < minimumLength)
        {
            failures.Add($"{key} is {Count(value.Length)} characters long; use {Count(minimumLength)} or more random characters, a short one can be guessed");
        }
    }

    private static string Count(int value) => value.ToString(CultureInfo.InvariantCulture);
}
