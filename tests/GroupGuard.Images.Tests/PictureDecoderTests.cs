using SkiaSharp;

namespace GroupGuard.Images.Tests;

/// <summary>What the decoder takes and what it refuses before decoding.</summary>
public sealed class PictureDecoderTests
{
    [Fact]
    public void A_decompression_bomb_is_refused_from_its_header()
    {
        var bomb = Pictures.Bomb(60_000, 60_000);

        var result = PictureDecoder.Decode(bomb, 40_000_000);

        Assert.True(bomb.Length < 2_000_000, $"the bomb is {bomb.Length} bytes");
        Assert.Null(result.Plane);
        Assert.True(result.Refused);
        Assert.Equal((60_000, 60_000), (result.Width, result.Height));
        Assert.Contains("60000×60000", result.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("html")]
    [InlineData("empty-png-signature")]
    public void Bytes_that_are_no_picture_are_refused(string kind)
    {
        var bytes = kind switch
        {
            "garbage" => Enumerable.Range(0, 5000).Select(i => (byte)(i * 31)).ToArray(),
            "html" => "<!DOCTYPE html><html><body>登录</body></html>"u8.ToArray(),
            _ => new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A },
        };

        var result = PictureDecoder.Decode(bytes, 40_000_000);

        Assert.Null(result.Plane);
        Assert.True(result.Refused);
    }

    [Fact]
    public void A_picture_cut_short_is_read_as_far_as_it_goes_or_failed_without_throwing()
    {
        using var photo = Pictures.Photo(800, 600, 1);
        var png = Pictures.Png(photo);

        var result = PictureDecoder.Decode(png[..(png.Length / 2)], 40_000_000);

        Assert.True(result.Plane is not null || result.Reason is not null);
    }

    [Fact]
    public void A_corrupt_middle_does_not_throw()
    {
        using var photo = Pictures.Photo(640, 480, 2);
        var jpeg = Pictures.Jpeg(photo);
        var random = new Random(5);
        for (var i = 600; i < jpeg.Length - 10; i += 97)
        {
            jpeg[i] = (byte)random.Next(256);
        }

        var result = PictureDecoder.Decode(jpeg, 40_000_000);

        Assert.True(result.Plane is not null || result.Reason is not null);
    }

    [Fact]
    public void An_animation_is_decoded_at_its_first_frame_and_a_few_later_ones_spread_over_it()
    {
        // 20 frames, each a patch over the one before: frame i has i black dots in the top row.
        using var blank = Pictures.Blank(100, 100);
        using var dot = Pictures.Filled(1, 1, SKColors.Black);
        var gif = Pictures.Gif(100, 100, [(blank, 0, 0), .. Enumerable.Range(1, 19).Select(i => (dot, i - 1, 0))]);

        var first = PictureDecoder.Decode(gif, 40_000_000);
        var later = PictureDecoder.LaterFrames(gif, 40_000_000).ToList();

        Assert.Equal(20, first.Frames);
        Assert.Equal(0, Dots(first.Plane!));
        Assert.Equal(PictureDecoder.MaxFrames - 1, later.Count);
        Assert.Equal([3, 5, 8, 11, 14, 16, 19], later.Select(Dots));
    }

    [Fact]
    public void An_animation_s_frames_stop_where_decoding_them_would_pass_the_pixel_budget()
    {
        using var blank = Pictures.Blank(100, 100);
        using var dot = Pictures.Filled(1, 1, SKColors.Black);
        var gif = Pictures.Gif(100, 100, [(blank, 0, 0), .. Enumerable.Range(1, 19).Select(i => (dot, i - 1, 0))]);

        // Frame 3 needs frames 0 to 3 decoded (40,000 pixels) after the first (10,000), and frame 5 two more.
        Assert.Empty(PictureDecoder.LaterFrames(gif, 49_999));
        Assert.Single(PictureDecoder.LaterFrames(gif, 50_000));
        Assert.Equal(2, PictureDecoder.LaterFrames(gif, 70_000).Count());
    }

    private static int Dots(LuminancePlane plane) => Enumerable.Range(0, plane.Width).Count(x => plane[x, 0] < 128);

    [Fact]
    public void Grey_levels_lay_transparency_on_white()
    {
        using var bitmap = new SKBitmap(new SKImageInfo(4, 4, SKColorType.Rgba8888, SKAlphaType.Premul));
        bitmap.Erase(SKColors.Transparent);
        bitmap.SetPixel(0, 0, SKColors.Black);

        var plane = PictureDecoder.Decode(Pictures.Png(bitmap), 40_000_000).Plane!;

        Assert.Equal(0, plane[0, 0]);
        Assert.Equal(255, plane[3, 3]);
    }

    [Fact]
    public void A_large_picture_is_worked_on_at_most_at_the_working_size()
    {
        using var photo = Pictures.Photo(5000, 4000, 4);

        var result = PictureDecoder.Decode(Pictures.Jpeg(photo, 70), 40_000_000);

        Assert.Equal((5000, 4000), (result.Width, result.Height));
        Assert.True((long)result.Plane!.Width * result.Plane.Height <= PictureDecoder.WorkPixels);
    }
}
