using GroupGuard.Core.Rules;

namespace GroupGuard.Host.Rules;

/// <summary>Loads the rules before the service takes traffic; a broken rule set stops the start.</summary>
internal sealed class RuleSetStartup(IRuleSetLoader loader, IRuleSetProvider provider) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!loader.Reload())
        {
            throw new RuleSetLoadException(
                "The rules cannot be loaded; fix these and start again:" + Environment.NewLine +
                string.Join(Environment.NewLine, provider.Status.Errors));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
