namespace OpenChat.Web.Telemetry;

/// <summary>A page that counts as entering the dashboard (<c>dashboard.entered</c>), with what that event reports.</summary>
public interface IDashboardPage
{
    /// <summary>How many chats the sidebar lists.</summary>
    int ChatTotal { get; }

    bool HasApiKey { get; }
}
