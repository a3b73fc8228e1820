namespace GroupGuard.Host.WebConsole.Pages;

public sealed class DeniedModel : ConsolePage
{
    public void OnGet()
    {
    }
}
