namespace GroupGuard.Core.Digests;

/// <summary>One leader under <c>GroupGuard:Leaders</c>: the groups they answer for, when and where their digest goes.</summary>
public sealed class LeaderOptions
{
    public string Name { get; set; } = "";

    /// <summary>Group ids; <c>*</c> for every group.</summary>
    public List<string> Groups { get; set; } = [];

    /// <summary>A Quartz cron expression, seconds first (<c>0 0 8 * * ?</c>: every day at 8:00).</summary>
    public string Schedule { get; set; } = "0 0 8 * * ?";

    /// <summary>The time zone the schedule is read in (IANA, e.g. <c>Asia/Shanghai</c>).</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";

    /// <summary>Names of channels under <c>GroupGuard:Channels</c>.</summary>
    public List<string> Channels { get; set; } = [];

    public bool CoversAll => Groups.Contains("*");
}
