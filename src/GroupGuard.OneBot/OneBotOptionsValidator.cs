using Microsoft.Extensions.Options;

namespace GroupGuard.OneBot;

internal sealed class OneBotOptionsValidator : IValidateOptions<OneBotOptions>
{
    public ValidateOptionsResult Validate(string? name, OneBotOptions options)
    {
        var failures = new List<string>();

        if (!string.IsNullOrEmpty(options.ApiBaseUrl)
            && !(Uri.TryCreate(options.ApiBaseUrl, UriKind.Absolute, out var uri)
                 && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
        {
            failures.Add($"{OneBotOptions.Section}:{nameof(OneBotOptions.ApiBaseUrl)} must be an absolute http or https URL, got '{options.ApiBaseUrl}'");
        }

        // HTTP servers trim header values and reject control characters, so such a token could
        // never match an Authorization header: every v12 event would be refused with 401.
        if (!string.IsNullOrEmpty(options.AccessToken)
            && (char.IsWhiteSpace(options.AccessToken[0]) || char.IsWhiteSpace(options.AccessToken[^1])
                || options.AccessToken.Any(char.IsControl)))
        {
            failures.Add($"{OneBotOptions.Section}:{nameof(OneBotOptions.AccessToken)} must not start or end with whitespace or contain control characters");
        }

        if (!string.IsNullOrEmpty(options.Secret) && string.IsNullOrWhiteSpace(options.Secret))
        {
            failures.Add($"{OneBotOptions.Section}:{nameof(OneBotOptions.Secret)} is only whitespace; remove it to turn signature checks off");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
