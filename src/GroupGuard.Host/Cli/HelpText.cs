namespace GroupGuard.Host.Cli;

internal static class HelpText
{
    public const string Usage = """
        groupguard: keeps QQ and WeChat groups clean (OneBot v11 / v12 webhooks).

        Usage:
          groupguard [run] [--urls http://127.0.0.1:5140]
                                       Run the service (the default verb).
          groupguard incidents export [--format jsonl|csv] [--since ISO-8601]
                                       Write recorded incidents to standard output.
          groupguard incidents mark ID --false-positive [--note TEXT]
                                       Record a human's verdict; suggests the allow line that would have prevented it.
          groupguard digest preview --leader NAME [--from ISO-8601 --to ISO-8601]
                                       Print the digest that would be sent; send nothing.
          groupguard digest send --leader NAME
                                       Send the due digest now, through the outbox.
          groupguard digest list [--leader NAME] [--format jsonl]
                                       The outbox: which leader was told of which incident, and when.
          groupguard rules check [--rules DIR]
                                       Check rule packs: every problem as path:line: message.
          groupguard scan [--rules DIR] < messages.txt
                                       Try the rules on one message a line; one JSON verdict a line out.
          groupguard --help            This text.

        Settings come from appsettings.json, then environment variables
        (GroupGuard__OneBot__Secret=…), then the command line (--GroupGuard:Rules:Path=…):
          GroupGuard:Rules:Path               rules folder (default: rules)
          GroupGuard:Storage:ConnectionString SQLite database (default: Data Source=data/groupguard.db)
          GroupGuard:OneBot:Secret            v11 HTTP POST signature secret (X-Signature)
          GroupGuard:OneBot:AccessToken       v12 webhook Bearer token; sent on OneBot API calls
          GroupGuard:OneBot:ApiBaseUrl        OneBot HTTP API of the bot, e.g. http://127.0.0.1:3000
          --urls / ASPNETCORE_URLS            listen address (default: http://127.0.0.1:5140)

        Endpoints: POST /onebot/v11, POST /onebot/v12, GET /healthz
        """;
}
