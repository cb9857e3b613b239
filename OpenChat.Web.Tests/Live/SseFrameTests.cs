using System.Text;
using OpenChat.Web.Live;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Live;

[Trait("Category", TestCategories.Unit)]
public sealed class SseFrameTests
{
    [Fact]
    public void An_unnamed_event_costs_eight_bytes_of_framing()
    {
        var frame = SseFrame.Create(null, "abc");

        Assert.Equal("data: abc\n\n", Encoding.UTF8.GetString(frame.Bytes));
    }

    [Fact]
    public void Every_line_break_form_becomes_its_own_data_line()
    {
        var frame = SseFrame.Create("oob", "one\r\ntwo\rthree\nfour\n");

        Assert.Equal("event: oob\ndata: one\ndata: two\ndata: three\ndata: four\ndata: \n\n", Encoding.UTF8.GetString(frame.Bytes));
    }
}
