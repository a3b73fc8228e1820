using GroupGuard.Core.Commands;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host.Commands;

/// <summary><c>GroupGuard:Commands</c>: commands owners and admins type in their group.</summary>
public sealed class CommandsOptions
{
    public const string Section = "GroupGuard:Commands";

    /// <summary>Whether commands are read at all; off, a command is moderated as the text it is.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>What a command starts with (<c>/gg 状态</c>); matched in either case and in full width.</summary>
    public string Prefix { get; set; } = GroupCommandParser.DefaultPrefix;
}

internal sealed class CommandsOptionsValidator : IValidateOptions<CommandsOptions>
{
    public ValidateOptionsResult Validate(string? name, CommandsOptions options)
    {
        var prefix = options.Prefix ?? "";
        if (prefix.Length is 0 or > GroupCommandParser.MaxPrefixLength || prefix.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return ValidateOptionsResult.Fail(
                $"{CommandsOptions.Section}:{nameof(CommandsOptions.Prefix)} must be 1 to {GroupCommandParser.MaxPrefixLength} characters without spaces (default {GroupCommandParser.DefaultPrefix}), got '{prefix}'");
        }

        return ValidateOptionsResult.Success;
    }
}
