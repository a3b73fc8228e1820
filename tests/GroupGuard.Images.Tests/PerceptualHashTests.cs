using GroupGuard.Core.Images;
using SkiaSharp;

namespace GroupGuard.Images.Tests;

/// <summary>Near duplicates (re-encoded, resized, lightly cropped) hash near; different pictures do not.</summary>
public sealed class PerceptualHashTests
{
    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 6)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void A_copy_reencoded_resized_or_cropped_is_a_near_duplicate(int seed)
    {
        using var photo = WithCode(Pictures.Photo(900, 700, seed), seed);
        var original = Hash(Pictures.Png(photo));
        using var half = Pictures.Resize(photo, 450, 350);
        using var cropped = Pictures.Crop(photo, new SKRectI(22, 17, 900 - 23, 700 - 18)); // 5% off, around

        var copies = new Dictionary<string, ulong>
        {
            ["jpeg 60"] = Hash(Pictures.Jpeg(photo, 60)),
            ["resized 50%"] = Hash(Pictures.Png(half)),
            ["resized 50%, jpeg 60"] = Hash(Pictures.Jpeg(half, 60)),
            ["cropped 5%"] = Hash(Pictures.Jpeg(cropped, 85)),
        };

        foreach (var (what, hash) in copies)
        {
            var distance = PerceptualHash.Distance(original, hash);
            Assert.True(distance <= PerceptualHash.NearDuplicateDistance, $"{what}: {distance} bits from the original");
        }
    }

    [Fact]
    public void Different_pictures_are_far_apart()
    {
        var hashes = new List<(string What, ulong Hash)>();
        for (var seed = 1; seed <= 12; seed++)
        {
            using var photo = Pictures.Photo(640, 480, seed);
            hashes.Add(($"photo {seed}", Hash(Pictures.Jpeg(photo))));
        }

        for (var seed = 1; seed <= 3; seed++)
        {
            using var noise = Pictures.Noise(400, 400, seed);
            hashes.Add(($"noise {seed}", Hash(Pictures.Png(noise))));
            using var code = Pictures.Qr(seed == 1 ? Pictures.WeChatGroup : seed == 2 ? Pictures.Alipay : Pictures.PlainLink, 400);
            hashes.Add(($"code {seed}", Hash(Pictures.Png(code))));
        }

        var closest = int.MaxValue;
        var pair = "";
        for (var i = 0; i < hashes.Count; i++)
        {
            for (var j = i + 1; j < hashes.Count; j++)
            {
                var distance = PerceptualHash.Distance(hashes[i].Hash, hashes[j].Hash);
                if (distance < closest)
                {
                    (closest, pair) = (distance, $"{hashes[i].What} and {hashes[j].What}");
                }
            }
        }

        Assert.True(closest > PerceptualHash.NearDuplicateDistance, $"{pair} are {closest} bits apart");
    }

    [Fact]
    public void The_hash_reads_and_writes_as_sixteen_hex_digits()
    {
        Assert.Equal("00000000000000ff", PerceptualHash.ToText(255));
        Assert.True(PerceptualHash.TryParse("fedcba9876543210", out var hash));
        Assert.Equal(0xfedcba9876543210UL, hash);
        Assert.False(PerceptualHash.TryParse("xyz", out _));
    }

    private static SKBitmap WithCode(SKBitmap photo, int seed)
    {
        if (seed % 2 == 0)
        {
            using var code = Pictures.Qr(Pictures.WeChatGroup, 240);
            Pictures.Place(photo, code, 450, 350, 0);
        }

        return photo;
    }

    private static ulong Hash(byte[] bytes) => DctHash.Of(PictureDecoder.Decode(bytes, 40_000_000).Plane!);
}
