using GroupGuard.Core.Rules;

namespace GroupGuard.Host.Rules;

/// <summary>
/// Loads the rules before the service takes traffic; a broken rule set stops the start. Says once
/// when the rules folder differs from the packs shipped with this version (<see cref="ShippedRules"/>).
/// </summary>
internal sealed class RuleSetStartup(IRuleSetLoader loader, IRuleSetProvider provider, ILogger<RuleSetStartup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!loader.Reload())
        {
            throw new RuleSetLoadException(
                "The rules cannot be loaded; fix these and start again:" + Environment.NewLine +
                string.Join(Environment.NewLine, provider.Status.Errors));
        }

        if (provider.Status.Path is { } path && ShippedRules.Compare(path) is { Same: false } comparison)
        {
            logger.LogInformation("Rules: {Comparison}", comparison.Describe());
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
