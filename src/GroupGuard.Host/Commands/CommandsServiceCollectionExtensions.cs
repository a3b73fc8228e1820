using GroupGuard.Core;
using GroupGuard.Host.Commands;
using Microsoft.Extensions.Options;

// In the host's namespace, as the other registrations are, so the composition root needs no using for it.
namespace GroupGuard.Host;

internal static class CommandsServiceCollectionExtensions
{
    /// <summary>Commands in the group: <see cref="CommandsOptions"/> validated at start, the handler the moderator asks, the texts of recent messages it checks in reply to them, and the reply worker with the answers it sent lately.</summary>
    public static IServiceCollection AddGroupGuardCommands(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CommandsOptions>().BindChecked(configuration.GetSection(CommandsOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CommandsOptions>, CommandsOptionsValidator>();
        services.AddSingleton<CommandReplies>();
        services.AddSingleton<RecentAnswers>();
        services.AddSingleton<GroupCommands>();
        services.AddSingleton<RecentTexts>();
        services.AddHostedService<CommandReplyWorker>();
        return services;
    }
}
