using OpenChat.Web.Hosting;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Hosting;

[Trait("Category", TestCategories.Unit)]
public sealed class TimestampPrecisionTests
{
    [Fact]
    public void Timestamps_are_cut_to_the_microsecond_in_utc()
    {
        var value = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)).AddTicks(1234567);

        var stored = value.ToStoragePrecision();

        Assert.Equal(TimeSpan.Zero, stored.Offset);
        Assert.Equal(value.UtcTicks - 7, stored.UtcTicks);
    }
}
