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
        if (Directory.Exists(resolved))
        {
            return ValidateOptionsResult.Success;
        }

        // What to do: the packs this version ships are beside the executable (a published build's
        // rules/), to copy where the setting points, as deploy/groupguard.service's steps do.
        var shipped = System.IO.Path.Combine(AppContext.BaseDirectory, RulesOptions.DefaultPath);
        var relative = System.IO.Path.IsPathRooted(options.Path) ? "" : $" (a relative path is taken from the folder the service was started in, {Environment.CurrentDirectory})";
        return ValidateOptionsResult.Fail(Directory.Exists(shipped)
            ? $"GroupGuard:Rules:Path: the folder '{resolved}' does not exist{relative}: copy the packs shipped with this version there (cp -r '{shipped}' '{resolved}'), or set GroupGuard:Rules:Path to the folder that holds your rule packs"
            : $"GroupGuard:Rules:Path: the folder '{resolved}' does not exist{relative}: set GroupGuard:Rules:Path to the folder that holds your rule packs");
    }
}
