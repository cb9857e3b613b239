namespace OpenChat.Web.Hosting;

/// <summary>
/// The web root lives at the repository root (<c>wwwroot/</c>), beside the project rather than inside it.
/// The build copies it next to the app's assembly, which is where a published app finds it too.
/// </summary>
public static class WebRootLocator
{
    public static string Locate()
    {
        var configured = Environment.GetEnvironmentVariable("OPENCHAT_WEBROOT");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Path.GetFullPath(configured);
        }

        return Path.Combine(AppContext.BaseDirectory, "wwwroot");
    }
}
