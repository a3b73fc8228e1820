using System.Text.Json.Serialization;

namespace GroupGuard.Core.Digests;

/// <summary>What became of one channel of one digest. Stored as its text.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ChannelStatus>))]
public enum ChannelStatus
{
    /// <summary>To be sent, or failed and to be tried again.</summary>
    [JsonStringEnumMemberName("pending")]
    Pending,

    /// <summary>It arrived, and stays sent.</summary>
    [JsonStringEnumMemberName("sent")]
    Sent,

    /// <summary>The sender gave up after its retries.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,
}
