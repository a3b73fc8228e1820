using Microsoft.Extensions.Options;

namespace GroupGuard.Core.Rules;

internal sealed class RulesOptionsValidator : IValidateOptions<RulesOptions>
{
    public ValidateOptionsResult Validate(string? name, RulesOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            return ValidateOptionsResult.Fail("GroupGuard:Rules:Path must name the rules folder (default: rules)");
        }

        var resolved = options.ResolvePath();
        return Directory.Exists(resolved)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"GroupGuard:Rules:Path: the folder '{resolved}' does not exist");
    }
}
