using GroupGuard.Core.Rules;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host.Digests;

/// <summary>
/// The rules of the rules folder, loaded once when first read: what a digest made from the command
/// line (<c>digest preview</c>, <c>digest send</c>) names the rules that hit by, as the service names
/// them by the rules in force. A folder that does not load gives no rules, and the digest the ids.
/// </summary>
internal sealed class FolderRules(IOptions<RulesOptions> options, TimeProvider time) : IRuleSetProvider
{
    private readonly Lazy<RuleSet> _rules = new(() => RuleLoader.Load(options.Value.ResolvePath(), time).RuleSet ?? RuleSet.Empty);

    public RuleSet Current => _rules.Value;

    public RuleSetStatus Status => new(options.Value.ResolvePath(), null, [], []);
}
