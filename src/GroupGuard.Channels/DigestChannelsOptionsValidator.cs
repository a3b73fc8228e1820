using Microsoft.Extensions.Options;

namespace GroupGuard.Channels;

/// <summary>Collects every mistake in <c>GroupGuard:Channels</c>, each naming its key, and never quoting a secret.</summary>
internal sealed class DigestChannelsOptionsValidator : IValidateOptions<DigestChannelsOptions>
{
    public ValidateOptionsResult Validate(string? name, DigestChannelsOptions options)
    {
        var failures = new List<string>(options.ReadFailures);
        foreach (var (channel, settings) in options.Channels)
        {
            var key = $"{DigestChannelsOptions.Section}:{channel}";
            if (settings is null)
            {
                failures.Add($"{key} has no settings");
                continue;
            }

            settings.Validate(key, failures);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
