namespace OpenChat.Web.Hosting;

public enum StorageBackend
{
    File,
    Postgres,
}

public static class StorageBackendNames
{
    /// <summary>The name used in <c>/readyz</c> and in telemetry's <c>storage_backend</c>.</summary>
    public static string ToWireName(this StorageBackend backend) => backend switch
    {
        StorageBackend.Postgres => "postgres",
        _ => "file",
    };
}
