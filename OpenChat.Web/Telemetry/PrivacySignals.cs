namespace OpenChat.Web.Telemetry;

/// <summary>The browser's own "don't track me" signals: Do Not Track and Global Privacy Control. Either one turns capture off.</summary>
public static class PrivacySignals
{
    public static bool OptedOut(HttpRequest request) =>
        request.Headers["DNT"] == "1" || request.Headers["Sec-GPC"] == "1";
}
