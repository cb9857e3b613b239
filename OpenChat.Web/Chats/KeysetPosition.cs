using System.Globalization;

namespace OpenChat.Web.Chats;

/// <summary>
/// A position in a keyset-paged list as it travels in a URL: <c>{utc ticks}_{id as 32 hex}</c>
/// (the time and id of the last item shown).
/// </summary>
public static class KeysetPosition
{
    public static string Format(DateTimeOffset at, Guid id) => string.Create(CultureInfo.InvariantCulture, $"{at.UtcTicks}_{id:N}");

    public static bool TryParse(string value, out DateTimeOffset at, out Guid id)
    {
        at = default;
        id = default;
        var parts = value.Split('_');
        if (parts.Length != 2 ||
            !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) ||
            ticks is < 0 or > 3155378975999999999 ||
            !Guid.TryParseExact(parts[1], "N", out id))
        {
            return false;
        }

        at = new DateTimeOffset(ticks, TimeSpan.Zero);
        return true;
    }
}
