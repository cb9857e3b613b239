using System.Text;
using OpenChat.Web.Instances;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Instances;

[Trait("Category", TestCategories.Unit)]
public sealed class LiveNoticeTests
{
    private static readonly Guid Instance = Guid.NewGuid();
    private static readonly Guid Chat = Guid.NewGuid();
    private static readonly Guid Reply = Guid.NewGuid();

    [Theory]
    [InlineData("short")]
    [InlineData("ascii")]
    [InlineData("cjk")]
    [InlineData("emoji")]
    [InlineData("controls")]
    public void A_delta_of_any_size_splits_into_notifications_Postgres_accepts_and_joins_back(string kind)
    {
        var text = kind switch
        {
            "short" => "Hello",
            "ascii" => string.Concat(Enumerable.Repeat("Lorem ipsum dolor sit amet. ", 2000)),
            "cjk" => string.Concat(Enumerable.Repeat("中文文本测试", 3000)),
            "emoji" => string.Concat(Enumerable.Repeat("😀a", 5000)),
            _ => string.Concat(Enumerable.Repeat("\u0001\n\t\"<", 5000)),
        };

        var payloads = LiveNotice.DeltaPayloads(Instance, "guest_0123456789abcdef0123456789abcdef", Chat, Reply, 17, text).ToList();

        Assert.All(payloads, p => Assert.True(Encoding.UTF8.GetByteCount(p) < 8000, $"{Encoding.UTF8.GetByteCount(p)} bytes"));
        var notices = payloads.Select(p => LiveNotice.Parse(p)!).ToList();
        var offset = 17;
        foreach (var notice in notices)
        {
            Assert.Equal(LiveNotice.Delta, notice.Kind);
            Assert.Equal(Instance, notice.Instance);
            Assert.Equal(offset, notice.Offset);
            offset += notice.Text!.Length;
        }

        Assert.Equal(text, string.Concat(notices.Select(n => n.Text)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{\"k\":\"start\"}")]
    [InlineData("[1,2]")]
    public void A_payload_that_is_not_a_notice_is_ignored(string payload) =>
        Assert.Null(LiveNotice.Parse(payload));
}
