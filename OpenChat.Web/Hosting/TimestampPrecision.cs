namespace OpenChat.Web.Hosting;

/// <summary>
/// Postgres keeps timestamps to the microsecond; .NET to 100 ns. Times are cut to microseconds when they are
/// made, so a value reads back the same from either store.
/// </summary>
public static class TimestampPrecision
{
    public static DateTimeOffset ToStoragePrecision(this DateTimeOffset value) =>
        new(value.UtcTicks - (value.UtcTicks % 10), TimeSpan.Zero);

    public static DateTimeOffset StorageNow(this TimeProvider clock) => clock.GetUtcNow().ToStoragePrecision();
}
