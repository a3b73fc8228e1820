using System.Text;
using System.Text.Json.Nodes;

namespace GroupGuard.OneBot.Tests.Support;

/// <summary>Payload samples under Samples/, as the implementations send them.</summary>
internal static class Samples
{
    public static byte[] Bytes(string relativePath) =>
        File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Samples", relativePath));

    /// <summary>A sample as a mutable tree, to derive a variant of a real payload.</summary>
    public static JsonObject Node(string relativePath) =>
        JsonNode.Parse(Bytes(relativePath))!.AsObject();

    public static byte[] Utf8(this JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString());

    public static byte[] Utf8(string json) => Encoding.UTF8.GetBytes(json);
}
