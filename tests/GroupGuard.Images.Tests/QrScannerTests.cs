using GroupGuard.Core.Images;
using SkiaSharp;

namespace GroupGuard.Images.Tests;

/// <summary>QR codes of each kind, at several sizes and angles, on noise and on photos; several in one picture; none.</summary>
public sealed class QrScannerTests
{
    public static TheoryData<string, int, int, string> Codes()
    {
        var data = new TheoryData<string, int, int, string>();
        string[] payloads = [Pictures.WeChatGroup, Pictures.WeChatContact, Pictures.WeChatPay, Pictures.Alipay, Pictures.PlainLink];
        var i = 0;
        foreach (var payload in payloads)
        {
            foreach (var size in new[] { 120, 200, 400, 600 })
            {
                foreach (var degrees in new[] { 0, 90, 17 })
                {
                    // Each payload, size and angle on one of the two backgrounds, by turns; both backgrounds see every size and angle.
                    data.Add(payload, size, degrees, i++ % 2 == 0 ? "noise" : "photo");
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Codes))]
    public void A_code_is_read_whatever_its_size_angle_and_background(string payload, int size, int degrees, string background)
    {
        var side = Math.Max(640, (int)(size * 1.45));
        using var picture = background == "noise" ? Pictures.Noise(side, side, size + degrees) : Pictures.Photo(side, side, size + degrees);
        using var code = Pictures.Qr(payload, size);
        Pictures.Place(picture, code, side * 0.5f, side * 0.5f, degrees);

        var found = Scan(Pictures.Jpeg(picture, 85));

        Assert.Equal([payload], found);
    }

    [Fact]
    public void Every_code_in_a_picture_is_read_once()
    {
        using var picture = Pictures.Photo(1400, 900, 7);
        using var group = Pictures.Qr(Pictures.WeChatGroup, 260);
        using var pay = Pictures.Qr(Pictures.Alipay, 200);
        using var link = Pictures.Qr(Pictures.PlainLink, 160);
        using var again = Pictures.Qr(Pictures.WeChatGroup, 180);
        Pictures.Place(picture, group, 250, 250, 0);
        Pictures.Place(picture, pay, 700, 300, 17);
        Pictures.Place(picture, link, 1150, 250, 90);
        Pictures.Place(picture, again, 700, 700, -10);

        var found = Scan(Pictures.Png(picture));

        Assert.Equal(
            new[] { Pictures.Alipay, Pictures.PlainLink, Pictures.WeChatGroup }.Order(StringComparer.Ordinal),
            found.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_small_code_in_a_large_photo_is_read()
    {
        using var picture = Pictures.Photo(4000, 3000, 11);
        using var code = Pictures.Qr(Pictures.WeChatContact, 130);
        Pictures.Place(picture, code, 3300, 2400, 5);

        Assert.Equal([Pictures.WeChatContact], Scan(Pictures.Jpeg(picture, 90)));
    }

    [Theory]
    [InlineData("photo")]
    [InlineData("noise")]
    [InlineData("blank")]
    public void A_picture_without_a_code_gives_none(string kind)
    {
        using var picture = kind switch
        {
            "photo" => Pictures.Photo(900, 700, 3),
            "noise" => Pictures.Noise(900, 700, 3),
            _ => Pictures.Blank(300, 300),
        };

        Assert.Empty(Scan(Pictures.Jpeg(picture)));
    }

    [Fact]
    public void A_transparent_sticker_with_a_code_is_read_on_white()
    {
        using var sticker = new SKBitmap(new SKImageInfo(300, 300, SKColorType.Rgba8888, SKAlphaType.Premul));
        sticker.Erase(SKColors.Transparent);
        using var code = Pictures.Qr(Pictures.WeChatPay, 200);
        Pictures.Place(sticker, code, 150, 150);

        Assert.Equal([Pictures.WeChatPay], Scan(Pictures.Png(sticker)));
    }

    [Theory]
    [InlineData(0, "png")]
    [InlineData(17, "jpeg")]
    public void A_light_code_on_a_dark_ground_is_read(int degrees, string format)
    {
        // A WeChat group's code drawn light on black, as dark-mode screenshots and some adverts show it.
        using var picture = Pictures.Filled(800, 800, SKColors.Black);
        using var code = Pictures.Qr(Pictures.WeChatGroup, 300);
        using var negative = Pictures.Negative(code);
        Pictures.Place(picture, negative, 400, 400, degrees);

        var found = Scan(format == "png" ? Pictures.Png(picture) : Pictures.Jpeg(picture, 85));

        Assert.Equal([Pictures.WeChatGroup], found);
    }

    [Theory]
    [InlineData(800)]
    [InlineData(600)]
    public void A_grid_of_finder_like_squares_is_given_up_on_instead_of_paired_up(int side)
    {
        // 2.5 KB as PNG; unbounded, ZXing's multi-code reader took 134 s and 1.9 GB on the 800 one.
        // Read in parts, every part is still too busy until the parts' budget is spent.
        using var picture = Pictures.FinderGrid(side, side);
        var decoded = PictureDecoder.Decode(Pictures.Png(picture), 40_000_000);
        Assert.NotNull(decoded.Plane);

        var scan = QrScanner.Read(decoded.Plane, CancellationToken.None);

        Assert.True(scan.GaveUp);
        Assert.Empty(scan.Codes);
    }

    [Fact]
    public void A_strip_of_decoys_does_not_hide_the_code_below_it()
    {
        // 120 pixels of finder-like squares across the top (more than a reader pass may meet), a WeChat group's code below.
        using var picture = Pictures.Blank(800, 1100);
        using var decoys = Pictures.FinderGrid(800, 120);
        using var code = Pictures.Qr(Pictures.WeChatGroup, 500);
        Pictures.Place(picture, decoys, 400, 60);
        Pictures.Place(picture, code, 400, 700);

        var scan = QrScanner.Read(PictureDecoder.Decode(Pictures.Png(picture), 40_000_000).Plane!, CancellationToken.None);

        Assert.Equal([Pictures.WeChatGroup], scan.Codes);
    }

    [Fact]
    public void A_collage_of_more_codes_than_a_pass_may_pair_up_is_read_up_to_the_most_codes()
    {
        // 25 codes have 75 finder patterns: read whole, the picture is too busy; read in parts, each is not.
        using var picture = Pictures.Blank(1500, 1500);
        var payloads = Enumerable.Range(0, 25).Select(i => $"https://weixin.qq.com/g/collage{i:D2}").ToList();
        for (var i = 0; i < payloads.Count; i++)
        {
            using var code = Pictures.Qr(payloads[i], 280);
            Pictures.Place(picture, code, 150 + (300 * (i % 5)), 150 + (300 * (i / 5)));
        }

        var scan = QrScanner.Read(PictureDecoder.Decode(Pictures.Png(picture), 40_000_000).Plane!, CancellationToken.None);

        Assert.Equal(QrScanner.MaxCodes, scan.Codes.Count);
        Assert.All(scan.Codes, code => Assert.Contains(code, payloads));
    }

    [Fact]
    public void A_scan_heeds_its_stop_token()
    {
        using var picture = Pictures.Photo(900, 700, 3);
        var decoded = PictureDecoder.Decode(Pictures.Png(picture), 40_000_000);
        Assert.NotNull(decoded.Plane);

        Assert.Throws<OperationCanceledException>(() => QrScanner.Read(decoded.Plane, new CancellationToken(canceled: true)));
    }

    [Theory]
    [InlineData(Pictures.WeChatGroup, QrKind.WeChatGroup)]
    [InlineData(Pictures.WeChatContact, QrKind.WeChatContact)]
    [InlineData(Pictures.WeChatPay, QrKind.Payment)]
    [InlineData(Pictures.Alipay, QrKind.Payment)]
    [InlineData(Pictures.PlainLink, QrKind.Url)]
    public void The_test_payloads_are_of_the_kind_they_stand_for(string payload, QrKind kind) =>
        Assert.Equal(kind, QrPayloads.Classify(payload));

    internal static IReadOnlyList<string> Scan(byte[] bytes)
    {
        var decoded = PictureDecoder.Decode(bytes, 40_000_000);
        Assert.NotNull(decoded.Plane);
        return QrScanner.Scan(decoded.Plane);
    }
}
