using System.Text.Json.Serialization;

namespace GroupGuard.Core.Digests;

/// <summary>A digest's state, from its channels'. Stored as its text.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DigestStatus>))]
public enum DigestStatus
{
    /// <summary>A channel is still to be sent.</summary>
    [JsonStringEnumMemberName("pending")]
    Pending,

    /// <summary>Every channel sent it.</summary>
    [JsonStringEnumMemberName("sent")]
    Sent,

    /// <summary>Some channels sent it, the others gave up.</summary>
    [JsonStringEnumMemberName("partial")]
    Partial,

    /// <summary>No channel sent it and none will try again.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,
}
