using System.Globalization;
using GroupGuard.Core.Moderation;
using Microsoft.Extensions.Options;

namespace GroupGuard.OneBot;

internal sealed class OneBotOptionsValidator : IValidateOptions<OneBotOptions>
{
    /// <summary>Shorter secrets and tokens are refused: they can be guessed.</summary>
    public const int MinimumSecretLength = 16;

    /// <summary>An hour: warnings wait for the window's end, so a longer one would hold them back for longer.</summary>
    public const int MaxWarningCoalesceSeconds = 3600;

    public ValidateOptionsResult Validate(string? name, OneBotOptions options)
    {
        var failures = new List<string>();

        CheckUrl(failures, nameof(OneBotOptions.ApiBaseUrl), options.ApiBaseUrl);
        CheckUrl(failures, nameof(OneBotOptions.V12ApiBaseUrl), options.V12ApiBaseUrl);

        // HTTP servers trim header values and reject control characters, so such a token could
        // never match an Authorization header: every v12 event would be refused with 401.
        if (!string.IsNullOrEmpty(options.AccessToken)
            && (char.IsWhiteSpace(options.AccessToken[0]) || char.IsWhiteSpace(options.AccessToken[^1])
                || options.AccessToken.Any(char.IsControl)))
        {
            failures.Add($"{OneBotOptions.AccessTokenSetting} must not start or end with whitespace or contain control characters");
        }
        else
        {
            CheckSecret(failures, nameof(OneBotOptions.AccessToken), options.AccessToken);
        }

        if (!string.IsNullOrEmpty(options.Secret) && string.IsNullOrWhiteSpace(options.Secret))
        {
            failures.Add($"{OneBotOptions.Section}:{nameof(OneBotOptions.Secret)} is only whitespace; remove it to turn signature checks off");
        }
        else
        {
            CheckSecret(failures, nameof(OneBotOptions.Secret), options.Secret);
        }

        CallSettings.Check(failures, OneBotOptions.Section, options.MaxActionsPerSecond, options.ActionTimeoutSeconds, options.ActionBudgetSeconds, options.MaxAttempts);

        if (!(options.WarningCoalesceSeconds >= 0 && double.IsFinite(options.WarningCoalesceSeconds)))
        {
            failures.Add($"{Key(nameof(OneBotOptions.WarningCoalesceSeconds))} must be 0 or more (0 sends every warning at once), got {options.WarningCoalesceSeconds.ToString(CultureInfo.InvariantCulture)}");
        }
        else if (options.WarningCoalesceSeconds > MaxWarningCoalesceSeconds)
        {
            failures.Add($"{Key(nameof(OneBotOptions.WarningCoalesceSeconds))} must be at most {MaxWarningCoalesceSeconds} s (a warning waits that long at most), got {options.WarningCoalesceSeconds.ToString(CultureInfo.InvariantCulture)}");
        }

        CheckConnections(failures, options.Connections);

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static string Key(string name) => $"{OneBotOptions.Section}:{name}";

    private static void CheckConnections(List<string> failures, List<OneBotConnectionOptions>? connections)
    {
        if (connections is null)
        {
            return;
        }

        var list = Key(nameof(OneBotOptions.Connections));
        if (connections.Count > OneBotConnectionOptions.MaxConnections)
        {
            failures.Add($"{list} lists {connections.Count.ToString(CultureInfo.InvariantCulture)} connections; at most {OneBotConnectionOptions.MaxConnections} are allowed");
            return;
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < connections.Count; i++)
        {
            var key = $"{list}:{i.ToString(CultureInfo.InvariantCulture)}";
            var connection = connections[i];
            if (connection is null)
            {
                failures.Add($"{key} is empty: give it a Url");
                continue;
            }

            if (string.IsNullOrWhiteSpace(connection.Url))
            {
                failures.Add($"{key}:{nameof(OneBotConnectionOptions.Url)} is missing: the implementation's WebSocket server, e.g. ws://127.0.0.1:3001");
            }
            else if (!Uri.TryCreate(connection.Url, UriKind.Absolute, out var uri) || (uri.Scheme != "ws" && uri.Scheme != "wss"))
            {
                failures.Add($"{key}:{nameof(OneBotConnectionOptions.Url)} must be an absolute ws or wss URL, got '{Shown(connection.Url)}'");
            }
            else if (uri.UserInfo.Length > 0 || uri.Query.Contains("access_token", StringComparison.OrdinalIgnoreCase))
            {
                // Kept out of the URL so that it never shows on /healthz or in a log line.
                failures.Add($"{key}:{nameof(OneBotConnectionOptions.Url)} carries a credential; put the token in {key}:{nameof(OneBotConnectionOptions.AccessToken)} instead");
            }
            else if (uri.Fragment.Length > 0)
            {
                failures.Add($"{key}:{nameof(OneBotConnectionOptions.Url)} must not have a #fragment, got '{Shown(connection.Url)}'");
            }
            else if (!seen.Add(uri.GetLeftPart(UriPartial.Query)))
            {
                failures.Add($"{key}:{nameof(OneBotConnectionOptions.Url)} '{Shown(connection.Url)}' is listed twice; one connection per server is enough");
            }

            var token = connection.AccessToken;
            if (!string.IsNullOrEmpty(token)
                && (char.IsWhiteSpace(token[0]) || char.IsWhiteSpace(token[^1]) || token.Any(char.IsControl)))
            {
                failures.Add($"{key}:{nameof(OneBotConnectionOptions.AccessToken)} must not start or end with whitespace or contain control characters");
            }
            else
            {
                CheckSecret(failures, $"{nameof(OneBotOptions.Connections)}:{i.ToString(CultureInfo.InvariantCulture)}:{nameof(OneBotConnectionOptions.AccessToken)}", token);
            }
        }
    }

    /// <summary>A URL as configured for an error message: without its query or user info (either may hold a token), cut short.</summary>
    private static string Shown(string value)
    {
        var query = value.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            value = value[..query] + "?…";
        }

        var at = value.LastIndexOf('@');
        var scheme = value.IndexOf("://", StringComparison.Ordinal);
        if (at >= 0)
        {
            value = (scheme >= 0 && scheme < at ? value[..(scheme + 3)] : "") + "…" + value[at..];
        }

        return value.Length <= 200 ? value : string.Concat(value.AsSpan(0, 200), "…");
    }

    /// <summary>Long enough, and not a placeholder copied from an example; the value itself is never shown.</summary>
    private static void CheckSecret(List<string> failures, string name, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        if (value.StartsWith('<') && value.EndsWith('>'))
        {
            failures.Add($"{Key(name)} is still the placeholder of the example settings: put a secret of {MinimumSecretLength} or more random characters there (or leave it out)");
        }
        else if (value.Length < MinimumSecretLength)
        {
            failures.Add($"{Key(name)} is {value.Length.ToString(CultureInfo.InvariantCulture)} characters long; use {MinimumSecretLength} or more random characters, a short one can be guessed");
        }
    }

    private static void CheckUrl(List<string> failures, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value)
            && !(Uri.TryCreate(value, UriKind.Absolute, out var uri)
                 && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
        {
            failures.Add($"{Key(name)} must be an absolute http or https URL, got '{value}'");
        }
    }
}
