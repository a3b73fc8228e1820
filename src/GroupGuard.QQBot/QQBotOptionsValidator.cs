using System.Globalization;
using System.Net;
using GroupGuard.Core.Moderation;
using Microsoft.Extensions.Options;

namespace GroupGuard.QQBot;

/// <summary>
/// Every bad <c>GroupGuard:QQBot</c> setting, by key. Half a configuration (an AppID without its
/// secret, or the other way round) stops the start: the webhook would refuse every delivery, or
/// actions would fail, without anything saying why.
/// </summary>
internal sealed class QQBotOptionsValidator : IValidateOptions<QQBotOptions>
{
    public const int MaxSecretLength = 256;

    public ValidateOptionsResult Validate(string? name, QQBotOptions options)
    {
        var failures = new List<string>();
        var hasId = !string.IsNullOrEmpty(options.AppId);
        var hasSecret = !string.IsNullOrEmpty(options.AppSecret);
        if (hasId != hasSecret)
        {
            var (set, missing) = hasId ? (nameof(QQBotOptions.AppId), nameof(QQBotOptions.AppSecret)) : (nameof(QQBotOptions.AppSecret), nameof(QQBotOptions.AppId));
            failures.Add($"{Key(missing)} is not set while {Key(set)} is: set both (the AppID and AppSecret of the bot in QQ 开放平台 › 开发设置), or neither to leave the official QQ bot platform off");
        }

        if (hasId && !(options.AppId!.Length <= 20 && options.AppId.All(char.IsAsciiDigit)))
        {
            failures.Add($"{Key(nameof(QQBotOptions.AppId))} must be the bot's AppID, up to 20 digits (is it the AppSecret?)");
        }

        if (hasSecret)
        {
            var secret = options.AppSecret!;
            if (secret.StartsWith('<') && secret.EndsWith('>'))
            {
                failures.Add($"{Key(nameof(QQBotOptions.AppSecret))} is still the placeholder of the example settings: put the bot's AppSecret there");
            }
            else if (char.IsWhiteSpace(secret[0]) || char.IsWhiteSpace(secret[^1]) || secret.Any(char.IsControl))
            {
                failures.Add($"{Key(nameof(QQBotOptions.AppSecret))} must not start or end with whitespace or contain control characters (a copy-and-paste slip?)");
            }
            else if (secret.Length > MaxSecretLength)
            {
                failures.Add($"{Key(nameof(QQBotOptions.AppSecret))} is longer than {MaxSecretLength} characters: not an AppSecret");
            }
        }

        CheckUrl(failures, nameof(QQBotOptions.ApiBaseUrl), options.ApiBaseUrl);
        CheckUrl(failures, nameof(QQBotOptions.TokenUrl), options.TokenUrl);
        CheckPath(failures, options.Path);

        if (options.SignatureWindowSeconds is < 30 or > 3600)
        {
            failures.Add($"{Key(nameof(QQBotOptions.SignatureWindowSeconds))} must be between 30 and 3600, got {options.SignatureWindowSeconds.ToString(CultureInfo.InvariantCulture)}");
        }

        CallSettings.Check(failures, QQBotOptions.Section, options.MaxActionsPerSecond, options.ActionTimeoutSeconds, options.ActionBudgetSeconds, options.MaxAttempts);

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static string Key(string name) => $"{QQBotOptions.Section}:{name}";

    private static void CheckPath(List<string> failures, string? path)
    {
        if (!QQBotPaths.IsUsable(path))
        {
            failures.Add($"{Key(nameof(QQBotOptions.Path))} must be a path such as {QQBotOptions.DefaultPath}: starting with '/', of letters, digits and - _ . ~ /, at most {QQBotPaths.MaxLength} characters, and none of {string.Join(", ", QQBotPaths.Taken)}; got '{path}'");
        }
    }

    /// <summary>
    /// Absolute http(s), and https unless the host is this machine: the token request carries the
    /// AppSecret and every call the access token, which must not cross a network in clear.
    /// </summary>
    private static void CheckUrl(List<string> failures, string name, string? value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add($"{Key(name)} must be an absolute https URL, got '{value}'");
        }
        else if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            failures.Add($"{Key(name)} must not carry a user name or password");
        }
        else if (uri.Scheme == Uri.UriSchemeHttp && !IsLoopback(uri))
        {
            failures.Add($"{Key(name)} must be https (http only for this machine): the AppSecret and access tokens go there, got '{value}'");
        }
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
