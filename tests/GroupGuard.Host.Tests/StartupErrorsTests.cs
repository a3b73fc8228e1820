using System.Net.Sockets;
using GroupGuard.Host.Cli;
using Microsoft.Extensions.Options;

namespace GroupGuard.Host.Tests;

/// <summary>What stops a start, in the words an operator acts on, for the failures the start-up process tests cannot bring about here (the tests run as root).</summary>
public sealed class StartupErrorsTests
{
    /// <summary>
    /// A port below 1024 without the right to it: Kestrel lets the system's refusal through bare,
    /// which ended the process with a stack trace (exit 134). Now it names the address, what to do
    /// and where the address is set.
    /// </summary>
    [Fact]
    public void A_port_the_system_refuses_names_the_address_what_to_do_and_where_it_is_set()
    {
        var lines = StartupErrors.Describe(GroupGuardApp.ListenDenied(["http://127.0.0.1:80"], new SocketException((int)SocketError.AccessDenied)));

        Assert.Equal(2, lines.Count);
        Assert.StartsWith("groupguard: Failed to bind to address http://127.0.0.1:80: permission denied. ", lines[0], StringComparison.Ordinal);
        Assert.Contains("listen on a port from 1024 up (5140 is the default)", lines[0], StringComparison.Ordinal);
        Assert.Equal("  Choose the address with Urls in appsettings.<environment>.json, --urls, ASPNETCORE_URLS or Kestrel:Endpoints.", lines[1]);
    }

    /// <summary>A settings file installed root's and unreadable to the service's user: the file, the user, and how deploy/ installs it.</summary>
    [Fact]
    public void A_settings_file_the_service_may_not_read_says_which_user_must_read_it()
    {
        var lines = StartupErrors.Describe(new UnauthorizedAccessException("Access to the path '/opt/groupguard/appsettings.Production.json' is denied."));

        Assert.Equal("groupguard: Access to the path '/opt/groupguard/appsettings.Production.json' is denied.", lines[0]);
        Assert.Contains($"The service runs as {Environment.UserName}, who must be able to read its settings", lines[1], StringComparison.Ordinal);
        Assert.Contains("chmod 640", lines[1], StringComparison.Ordinal);
    }

    /// <summary>Settings worked out from another kind's fail with its failures too: each is said once (a bad connection string was said twice).</summary>
    [Fact]
    public void A_failure_two_kinds_of_settings_report_is_said_once()
    {
        const string Failure = "GroupGuard:Storage:ConnectionString is not a valid SQLite connection string";
        var lines = StartupErrors.Describe(new AggregateException(
            new OptionsValidationException("", typeof(object), [Failure]),
            new OptionsValidationException("", typeof(object), [Failure])));

        Assert.Equal(["groupguard: invalid settings:", "  " + Failure], lines);
    }
}
